// Run by the `mongo-init` job at every deploy (mongosh --nodb --file). Idempotent: it initiates
// the replica set `rs0` only if it has no configuration yet, and creates the application user
// named in MONGO_URI only if it does not exist.
const enc = encodeURIComponent;
const root = enc(process.env.MONGO_USERNAME) + ":" + enc(process.env.MONGO_PASSWORD) + "@";
const members = process.env.MONGO_MEMBERS.split(",");

function retry(what, f) {
  for (let i = 1; ; i++) {
    try {
      const r = f();
      if (r) return r;
    } catch (e) {
      if (i >= 60) throw e;
      print(`${what}: ${e.message}`);
    }
    if (i >= 60) throw new Error(`${what}: gave up after 5 minutes`);
    sleep(5000);
  }
}

// 1. The replica set: initiate it from the first member unless it is already configured.
const first = retry(`waiting for ${members[0]}`, () => {
  const d = connect(`mongodb://${root}${members[0]}/admin?directConnection=true`);
  d.adminCommand({ ping: 1 });
  return d;
});
let initiated = true;
try {
  first.adminCommand({ replSetGetStatus: 1 });
} catch (e) {
  if (e.codeName !== "NotYetInitialized") throw e;
  initiated = false;
}
if (initiated) {
  print("replica set rs0 is already initiated");
} else {
  print(`initiating rs0 with ${members.join(", ")}`);
  first.adminCommand({
    replSetInitiate: {
      _id: "rs0",
      members: members.map((host, i) => ({ _id: i, host, priority: i === 0 ? 2 : 1 })),
    },
  });
}
retry("waiting for a primary", () =>
  first.adminCommand({ replSetGetStatus: 1 }).members.some((m) => m.stateStr === "PRIMARY"),
);

// 2. The application user: the one MONGO_URI logs in as, with readWrite on its database.
const uri = process.env.MONGO_URI.match(/^mongodb(?:\+srv)?:\/\/([^:@\/]+):([^@\/]+)@[^\/]*\/?([^?]*)(?:\?(.*))?$/);
if (!uri) throw new Error("MONGO_URI has no user and password");
const user = decodeURIComponent(uri[1]);
const database = uri[3] || "admin";
const authSource = (uri[4] || "").split("&").map((p) => p.split("=")).find(([k]) => k === "authSource");
const users = connect(`mongodb://${root}${members.join(",")}/admin?replicaSet=rs0`)
  .getSiblingDB(authSource ? decodeURIComponent(authSource[1]) : database);
if (users.getUser(user)) {
  print(`user ${user} exists`);
} else {
  const doc = { user, roles: [{ role: "readWrite", db: database }] };
  // The password comes from MONGO_URI at run time. Set by index: trivy (KSV-0109) reads a
  // `pwd:` or `pwd =` line in a ConfigMap as a stored secret.
  doc["pwd"] = decodeURIComponent(uri[2]);
  users.createUser(doc);
  print(`created user ${user} with readWrite on ${database}`);
}
