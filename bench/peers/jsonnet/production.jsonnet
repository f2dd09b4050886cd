// The Kubernetes objects of stowage's `production` environment for the synthetic spec that
// `bench/gen.py N` writes (N services; per 10 of them a worker, a stateful database and a cron
// job; ingresses of 25 routes), computed here from N: the Jsonnet peer that the benchmark times
// against `stowage render --env production`.
//
//   bench/peers/jsonnet/run.sh 1000
//   (go-jsonnet: .tools/venv/bin/python bench/peers/jsonnet/run.py production.jsonnet 1000,
//    i.e. this file evaluated with the top-level argument n=1000)
//
// Output: one JSON array of the objects. The file has three parts: the app's conventions, one
// function per Kubernetes kind that lowers a workload, an ingress or a config, and the spec (the
// workloads gen.py declares, with the production overrides mixed in).

// ---- the app and its conventions ------------------------------------------------------------

local app = {
  name: 'bench',
  namespace: 'bench',
  registry: 'ghcr.io/acme',
  labels: { team: 'platform' },
  ingressNamespace: 'ingress-nginx',
};
local envLabels = { stage: 'production' };

local managed = {
  'app.kubernetes.io/managed-by': 'stowage',
  'app.kubernetes.io/part-of': app.name,
} + app.labels;
local selector(name) = { 'app.kubernetes.io/instance': app.name, 'app.kubernetes.io/name': name };
local meta(name, labels={}) = {
  labels: managed + labels + envLabels,
  name: name,
  namespace: app.namespace,
};
local podSelector(name) = { podSelector: { matchLabels: selector(name) } };
local tcp(port) = { port: port, protocol: 'TCP' };

// Ports in order, each once.
local dedup(ports) = std.foldl(function(acc, p) if std.member(acc, p) then acc else acc + [p], ports, []);

// xs grouped by key(x): { key: [x, ...] }, each group in the order of sortKey (which must
// order by key first).
local groupBy(xs, key, sortKey=key) =
  local sorted = std.sort(xs, sortKey);
  local len = std.length(sorted);
  local starts = [i for i in std.range(0, len - 1) if i == 0 || key(sorted[i]) != key(sorted[i - 1])];
  local count = std.length(starts);
  {
    [key(sorted[starts[k]])]: sorted[starts[k]:(if k + 1 < count then starts[k + 1] else len)]
    for k in std.range(0, count - 1)
  };

// ---- building blocks of the spec ------------------------------------------------------------

local registryImage(name, tag) = app.registry + '/' + name + ':' + tag;
local port(name, number) = { name: name, number: number };
local value(name, v) = { name: name, value: v };
local secretRef(name, secret, key) = { name: name, valueFrom: { secretKeyRef: { key: key, name: secret } } };
local configRef(name, config, key) = { name: name, valueFrom: { configMapKeyRef: { key: key, name: config } } };
local fieldRef(name, path) = { name: name, valueFrom: { fieldRef: { fieldPath: path } } };
local resources(reqCpu, reqMem, limCpu, limMem) = {
  limits: { cpu: limCpu, memory: limMem },
  requests: { cpu: reqCpu, memory: reqMem },
};
local httpProbe(path, port, delay=null, period=null, failures=null) = {
  [if failures != null then 'failureThreshold']: failures,
  httpGet: { path: path, port: port },
  [if delay != null then 'initialDelaySeconds']: delay,
  [if period != null then 'periodSeconds']: period,
};
local execProbe(command, period) = { exec: { command: command }, periodSeconds: period };
local emptyDir(name, mount, size=null) = { name: name, mount: mount, size: size };
local reach(target, port=null) = { target: target, port: port };

// ---- lowering: one function per kind --------------------------------------------------------

local container(w) = {
  [if 'command' in w then 'command']: w.command,
  [if std.length(w.env) > 0 then 'env']: w.env,
  [if std.length(w.envFrom) > 0 then 'envFrom']: [{ configMapRef: { name: c } } for c in w.envFrom],
  image: w.image,
  imagePullPolicy: 'Always',
  [if 'liveness' in w then 'livenessProbe']: w.liveness,
  name: w.name,
  [if std.length(w.ports) > 0 then 'ports']: [
    { containerPort: p.number, name: p.name, protocol: 'TCP' }
    for p in w.ports
  ],
  [if 'readiness' in w then 'readinessProbe']: w.readiness,
  resources: w.resources,
  securityContext: {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
  },
  [if 'startup' in w then 'startupProbe']: w.startup,
  volumeMounts: [{ mountPath: v.mount, name: v.name } for v in w.volumes]
                + [{ mountPath: w.storage[s].mount, name: s } for s in std.objectFields(w.storage)],
};

local podSpec(w) = {
  [if w.antiAffinity == 'preferred' then 'affinity']: {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [{
        podAffinityTerm: {
          labelSelector: { matchLabels: selector(w.name) },
          topologyKey: 'kubernetes.io/hostname',
        },
        weight: 100,
      }],
    },
  },
  automountServiceAccountToken: false,
  containers: [container(w)],
  enableServiceLinks: false,
  securityContext: {
    [if 'fsGroup' in w.security then 'fsGroup']: w.security.fsGroup,
    runAsGroup: w.security.group,
    runAsNonRoot: true,
    runAsUser: w.security.user,
    seccompProfile: { type: 'RuntimeDefault' },
  },
  [if std.length(w.volumes) > 0 then 'volumes']: [
    { emptyDir: if v.size != null then { sizeLimit: v.size } else {}, name: v.name }
    for v in w.volumes
  ],
};

local podTemplate(w) = {
  metadata: {
    [if std.length(w.annotations) > 0 then 'annotations']: w.annotations,
    labels: managed + selector(w.name),
  },
  spec: podSpec(w),
};

local workloadMeta(w) = meta(w.name, selector(w.name)) + (
  if std.length(w.waivers) > 0 then
    { annotations: { ['waivers.stowage.dev/' + k]: w.waivers[k] for k in std.objectFields(w.waivers) } }
  else {}
);

local deployment(w) = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: workloadMeta(w),
  spec: {
    [if w.autoscale == null then 'replicas']: w.replicas,
    revisionHistoryLimit: 10,
    selector: { matchLabels: selector(w.name) },
    strategy: {
      rollingUpdate: { maxSurge: w.rollout.maxSurge, maxUnavailable: w.rollout.maxUnavailable },
      type: 'RollingUpdate',
    },
    template: podTemplate(w),
  },
};

local statefulSet(w) = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: workloadMeta(w),
  spec: {
    replicas: w.replicas,
    revisionHistoryLimit: 10,
    selector: { matchLabels: selector(w.name) },
    serviceName: w.name,
    template: podTemplate(w),
    volumeClaimTemplates: [
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: s },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: w.storage[s].size } },
        },
      }
      for s in std.objectFields(w.storage)
    ],
  },
};

local cronJob(w) = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: workloadMeta(w),
  spec: {
    concurrencyPolicy: w.concurrency,
    failedJobsHistoryLimit: w.history.failure,
    jobTemplate: {
      spec: {
        backoffLimit: w.retries,
        template: podTemplate(w) + { spec+: { restartPolicy: 'OnFailure' } },
      },
    },
    schedule: w.schedule,
    successfulJobsHistoryLimit: w.history.success,
    timeZone: w.timezone,
  },
};

local service(w) = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: meta(w.name, selector(w.name)),
  spec: {
    [if w.kind == 'stateful' then 'clusterIP']: 'None',
    ports: [{ name: p.name, port: p.number, protocol: 'TCP', targetPort: p.name } for p in w.ports],
    selector: selector(w.name),
    type: 'ClusterIP',
  },
};

local hpa(w) = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: meta(w.name, selector(w.name)),
  spec: {
    maxReplicas: w.autoscale.max,
    metrics: [
      {
        resource: { name: r, target: { averageUtilization: w.autoscale[r], type: 'Utilization' } },
        type: 'Resource',
      }
      for r in ['cpu', 'memory']
      if std.get(w.autoscale, r) != null
    ],
    minReplicas: w.autoscale.min,
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: w.name },
  },
};

local pdb(w) = {
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: meta(w.name, selector(w.name)),
  spec: { maxUnavailable: 1, selector: { matchLabels: selector(w.name) } },
};

local configMap(c) = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  data: c.data,
  metadata: meta(c.name),
};

local ingress(i) = {
  local hosts = [r.host for r in i.routes],
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: meta(i.name, { 'app.kubernetes.io/name': i.name }) {
    annotations: { 'cert-manager.io/cluster-issuer': i.issuer } + i.annotations,
  },
  spec: {
    ingressClassName: i.class,
    rules: [
      {
        host: r.host,
        http: {
          paths: [{
            backend: { service: { name: r.service, port: { name: r.port } } },
            path: '/',
            pathType: 'Prefix',
          }],
        },
      }
      for r in i.routes
    ],
    tls: [{ hosts: hosts, secretName: i.name + '-tls' }],
  },
};

local namespace = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: {
    labels: managed + {
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    } + envLabels,
    name: app.namespace,
  },
};

local networkPolicy(name, spec) = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: meta(name),
  spec: spec,
};

local defaultDeny = networkPolicy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

local allowDns = networkPolicy('allow-dns', {
  egress: [{
    ports: [{ port: 53, protocol: 'UDP' }, tcp(53)],
    to: [{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    }],
  }],
  podSelector: {},
  policyTypes: ['Egress'],
});

// One policy per workload: who reaches it (sources in name order), the ingress controller on
// the ports its routes name, a stateful set's members to each other, and what it reaches.
local workloadPolicies(workloads, ingresses) =
  local byName = { [w.name]: w for w in workloads };
  // Every workload with an empty list, so that lookups are plain indexing (`in` and std.get
  // are slow on large objects in go-jsonnet).
  local none = { [w.name]: [] for w in workloads };
  // The container ports of `t` that a reference allows (all of them when it names none).
  local targetPorts(t, portName) = [tcp(p.number) for p in t.ports if portName == null || p.name == portName];
  local edges = [{ source: w.name, target: r.target } for w in workloads for r in w.reach];
  // ' ' sorts before any character of a name, so this orders by target, then source.
  local reachedBy = none + groupBy(edges, function(e) e.target, function(e) e.target + ' ' + e.source);
  local routesTo = none + groupBy([r for i in ingresses for r in i.routes], function(r) r.service);
  local policy(w) =
    local sources = std.uniq([e.source for e in reachedBy[w.name]]);
    local fromWorkloads = [
      { from: [podSelector(s)], ports: dedup(ports) }
      for s in sources
      for ports in [std.flattenArrays([targetPorts(w, r.port) for r in byName[s].reach if r.target == w.name])]
      if std.length(ports) > 0
    ];
    local routed = std.flattenArrays([
      if r.port != null then targetPorts(w, r.port) else targetPorts(w, null)[:1]
      for r in routesTo[w.name]
    ]);
    local fromController = if std.length(routed) > 0 then [{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': app.ingressNamespace } } }],
      ports: dedup(routed),
    }] else [];
    // A stateful set's members talk to each other.
    local members = if w.kind == 'stateful' && std.length(w.ports) > 0 then [dedup(targetPorts(w, null))] else [];
    local ingressRules = fromWorkloads + fromController
                         + [{ from: [podSelector(w.name)], ports: ports } for ports in members];
    local egressRules = [{ ports: ports, to: [podSelector(w.name)] } for ports in members] + [
      { ports: dedup(ports), to: [podSelector(r.target)] }
      for r in w.reach  // a valid spec reaches only workloads it has
      for ports in [targetPorts(byName[r.target], r.port)]
      if std.length(ports) > 0
    ] + [
      { ports: [tcp(e.port)], to: [{ ipBlock: { cidr: e.cidr } }] }
      for e in w.egress
    ];
    networkPolicy(w.name, {
      [if std.length(egressRules) > 0 then 'egress']: egressRules,
      [if std.length(ingressRules) > 0 then 'ingress']: ingressRules,
      podSelector: { matchLabels: selector(w.name) },
      policyTypes: (if std.length(ingressRules) > 0 then ['Ingress'] else [])
                   + (if std.length(egressRules) > 0 then ['Egress'] else []),
    });
  [
    p
    for w in workloads
    for p in [policy(w)]
    if std.objectHas(p.spec, 'ingress') || std.objectHas(p.spec, 'egress')
  ];

// ---- the spec gen.py writes, with its production overrides ----------------------------------

function(n)
  local groups = std.max(1, std.floor(n / 10));
  // Names, each made once (std.format is slow in go-jsonnet: plain concatenation instead).
  local pad(x, width) =
    local s = std.toString(x);
    local short = width - std.length(s);
    if short > 0 then std.substr('0000000000', 0, short) + s else s;
  local svcNames = std.makeArray(n, function(i) 'svc-' + pad(i, 4));
  local svc(i) = svcNames[i];
  local groupNames = std.makeArray(groups, function(g)
    local p = pad(g, 3);
    { cfg: 'cfg-' + p, sec: 'sec-' + p, db: 'db-' + p, dbName: 'db' + p, worker: 'worker-' + p, queue: 'q-' + p, backup: 'backup-' + p });

  // Defaults of every workload kind.
  local base = {
    env: [],
    envFrom: [],
    ports: [],
    volumes: [],
    storage: {},
    annotations: {},
    waivers: {},
    reach: [],
    egress: [],
    autoscale: null,
    antiAffinity: null,
    rollout: { maxSurge: '25%', maxUnavailable: 0 },
  };

  local services = [
    local grp = groupNames[i % groups];
    local r1 = svc((i + 1) % n);
    local r2 = svc((i + 7) % n);
    base {
      kind: 'service',
      name: svc(i),
      image: registryImage(svc(i), '1.' + (i % 10) + '.' + (i % 7)),
      ports: [port('http', 8080), port('metrics', 9090)],
      env: [
        value('NODE_ENV', 'production'),
        value('LOG_LEVEL', 'info'),
        value('UPSTREAM_URL', 'http://' + r1 + ':8080'),
        value('DATABASE_HOST', grp.db),
        secretRef('DATABASE_PASSWORD', grp.sec, 'db-password'),
        secretRef('API_TOKEN', grp.sec, 'api-token'),
        configRef('REGION', grp.cfg, 'REGION'),
        fieldRef('POD_NAME', 'metadata.name'),
      ],
      envFrom: [grp.cfg],
      resources: resources('100m', '128Mi', '500m', '512Mi'),
      liveness: httpProbe('/health', 'http', delay=10, period=10),
      readiness: httpProbe('/ready', 'http', period=5),
      startup: httpProbe('/health', 'http', period=5, failures=30),
      security: { user: 1000, group: 1000 },
      volumes: [emptyDir('tmp', '/tmp', '1Gi')],
      autoscale: { min: 2, max: 10, cpu: 70, memory: 80 },
      rollout: { maxSurge: 1, maxUnavailable: 0 },
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' },
      reach: (if n > 1 then [reach(r1, 'http')] else [])
             + (if n > 7 && r2 != r1 then [reach(r2)] else [])
             + [reach(grp.db, 'pg')],
    }
    // production: every third service is bigger, scales further and spreads over nodes.
    + (if i % 3 == 0 then {
         resources: resources('250m', '256Mi', '1', '1Gi'),
         autoscale: { min: 3, max: 20, cpu: 60, memory: 75 },
         antiAffinity: 'preferred',
       } else {})
    for i in std.range(0, n - 1)
  ];

  local workers = [
    local grp = groupNames[g];
    base {
      kind: 'worker',
      name: grp.worker,
      image: registryImage(grp.worker, '2.0.' + (g % 10)),
      command: ['bin/worker', '--queue', grp.queue],
      ports: [port('metrics', 9090)],
      env: [value('QUEUE', grp.queue), secretRef('DATABASE_PASSWORD', grp.sec, 'db-password')],
      envFrom: [grp.cfg],
      resources: resources('250m', '256Mi', '1', '1Gi'),
      liveness: httpProbe('/health', 'metrics', period=15),
      readiness: httpProbe('/ready', 'metrics'),
      security: { user: 1000, group: 1000 },
      volumes: [emptyDir('scratch', '/tmp', '5Gi')],
      autoscale: { min: 2, max: 8, cpu: 75 },
      reach: [reach(grp.db, 'pg'), reach(svc(g % n), 'http')],
      egress: [{ cidr: '0.0.0.0/0', port: 443 }],
    }
    for g in std.range(0, groups - 1)
  ];

  local databases = [
    local grp = groupNames[g];
    base {
      kind: 'stateful',
      name: grp.db,
      image: 'docker.io/library/postgres:16.4-alpine',
      ports: [port('pg', 5432)],
      env: [
        value('POSTGRES_USER', 'app'),
        value('POSTGRES_DB', grp.dbName),
        secretRef('POSTGRES_PASSWORD', grp.sec, 'db-password'),
        value('PGDATA', '/var/lib/postgresql/data/pgdata'),
      ],
      resources: resources('250m', '512Mi', '1', '2Gi'),
      liveness: execProbe(['pg_isready', '-U', 'app'], 10),
      readiness: execProbe(['pg_isready', '-U', 'app'], 5),
      security: { user: 70, group: 70, fsGroup: 70 },
      volumes: [emptyDir('run', '/var/run/postgresql'), emptyDir('tmp', '/tmp')],
      storage: { data: { mount: '/var/lib/postgresql/data', size: '20Gi' } },
      replicas: 1,
      waivers: { replicas: 'single primary; restored from the nightly backup' },
    }
    // production: bigger disks.
    + { storage+: { data+: { size: '100Gi' } } }
    for g in std.range(0, groups - 1)
  ];

  local backups = [
    local grp = groupNames[g];
    base {
      kind: 'cronjob',
      name: grp.backup,
      schedule: (g % 60) + ' 2 * * *',
      timezone: 'Etc/UTC',
      image: registryImage('backup', '1.0.0'),
      command: ['/usr/local/bin/backup.sh', grp.db],
      env: [
        value('PGHOST', grp.db),
        secretRef('PGPASSWORD', grp.sec, 'db-password'),
        value('RETENTION_DAYS', '30'),
      ],
      resources: resources('100m', '256Mi', '500m', '1Gi'),
      security: { user: 1000, group: 1000 },
      volumes: [emptyDir('work', '/backups', '20Gi')],
      concurrency: 'Forbid',
      history: { success: 3, failure: 3 },
      retries: 1,
      reach: [reach(grp.db, 'pg')],
      egress: [{ cidr: '0.0.0.0/0', port: 443 }],
    }
    for g in std.range(0, groups - 1)
  ];

  local configs = [
    {
      name: groupNames[g].cfg,
      data: { LOG_FORMAT: 'json', REGION: 'eu-west-1', GROUP: std.toString(g), FEATURE_FLAGS: 'a,b,c' },
    }
    for g in std.range(0, groups - 1)
  ];

  local ingresses = [
    {
      name: 'edge-' + pad(k, 3),
      class: 'nginx',
      issuer: 'letsencrypt-prod',
      annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '10m' },
      routes: [
        { service: svc(i), host: svc(i) + '.example.com', port: 'http' }
        for i in std.range(25 * k, std.min(25 * k + 25, n) - 1)
      ],
    }
    for k in std.range(0, std.ceil(n / 25) - 1)
  ];

  // stowage orders workloads by name; a policy's sources follow that order.
  local workloads = std.sort(services + workers + databases + backups, function(w) w.name);
  local deployed = [w for w in workloads if w.kind == 'service' || w.kind == 'worker'];

  [namespace, defaultDeny, allowDns]
  + workloadPolicies(workloads, ingresses)
  + [configMap(c) for c in configs]
  + [service(w) for w in workloads if w.kind == 'service' || w.kind == 'stateful']
  + [deployment(w) for w in deployed]
  + [statefulSet(w) for w in databases]
  + [cronJob(w) for w in backups]
  + [hpa(w) for w in deployed if w.autoscale != null]
  + [pdb(w) for w in deployed if w.autoscale != null && w.autoscale.min > 1]
  + [ingress(i) for i in ingresses]
