//! Structure-aware mutations of a spec: the fuzz input chooses which line, token and value to
//! change, so mutants stay close to real specs and reach the checker, the IR and the emitters
//! rather than dying in the KDL parser.

use arbitrary::{Result, Unstructured};

/// Specs the mutations start from.
pub const SEEDS: &[&str] = &[
    include_str!("../../examples/video-ingest/stowage.kdl"),
    include_str!("../../examples/revrx/stowage.kdl"),
    r#"app "shop" {
    namespace "shop"
    registry "ghcr.io/acme"
}
config "cfg" {
    data A="1"
    file "nginx.conf" path="conf/nginx.conf"
}
secret "s" source="sealed" {
    key "token" encrypted="AgB3"
}
service "web" {
    image "web" tag="1.4.2"
    port "http" 8080
    env {
        TOKEN secret="s" key="token"
        MODE config="cfg" key="A"
    }
    resources {
        requests cpu="100m" memory="128Mi"
        limits cpu="500m" memory="256Mi"
    }
    liveness http="/health" port="http"
    readiness http="/ready" port="http"
    volume "conf" mount="/etc/nginx" config="cfg"
    replicas 2
    labels team="web"
    disruption min-available=1
}
cronjob "job" {
    schedule "*/5 * * * *"
    image "job" tag="1"
}
ingress "web" {
    tls secret="web-tls"
    route "web" host="shop.example.com" service="web" path="/"
}
environment "dev" {
    policy "dev"
    prefix "dev-"
    service "web" { replicas 1; }
}
environment "production"
"#,
];

/// Values a token may be replaced with.
const VALUES: &[&str] = &[
    r#""""#,
    r#""-""#,
    r#""a""#,
    r#""api""#,
    r#""web""#,
    r#""http""#,
    r#""metrics""#,
    r#""postgres""#,
    r#""API""#,
    r#""api\u{202E}""#,
    r#""api\u{0}""#,
    r#""api\u{7f}""#,
    r#""a\nb""#,
    r#""é""#,
    r#""aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa""#,
    r#""aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa""#,
    r#""abcdefghijklmno""#,
    r#""abcdefghijklmnop""#,
    "0",
    "1",
    "-1",
    "65535",
    "65536",
    "2147483647",
    "2147483648",
    "9223372036854775807",
    "-9223372036854775808",
    "170141183460469231731687303715884105727",
    "1.5",
    "1e308",
    "-0.0",
    "#inf",
    "#-inf",
    "#nan",
    "#true",
    "#false",
    "#null",
    r#""0""#,
    r#""500mi""#,
    r#""512m""#,
    r#""1Gi""#,
    r#""1e3""#,
    r#""1e99999999999""#,
    r#""99999999999999999999999999Ei""#,
    r#""0.""#,
    r#""*/0 * * * *""#,
    r#""@daily""#,
    r#""@every 5m""#,
    r#""61 * * * *""#,
    r#""* * * * * *""#,
    r#""1-2-3/4 * * * *""#,
    r#""dev""#,
    r#""staging""#,
    r#""production""#,
    r#""latest""#,
    r#""sha256:0000000000000000000000000000000000000000000000000000000000000000""#,
    r#""/""#,
    r#""/x/../..""#,
    r#""../x""#,
    r#""/etc/passwd""#,
    r#""0.0.0.0/0""#,
    r#""::/0""#,
    r#""10.0.0.0/33""#,
    r#""*.example.com""#,
    r#""a..b""#,
    r#""Always""#,
    r#""100%""#,
    r#""50%""#,
    r#""-5%""#,
    r#""external""#,
    r#""sealed""#,
    r#""existing""#,
    r#""github""#,
    r#""gitlab""#,
    r#""branch:main""#,
    r#""tag:v*""#,
    r#""manual""#,
    r#""Forbid""#,
    r#""zone""#,
    r#""required""#,
    r#""ClusterIP""#,
    r#""NodePort""#,
    r#""dev-""#,
    r#""x-""#,
    r#""app.kubernetes.io/name""#,
    r#""a/b/c""#,
    r#""${{ secrets.X }}""#,
    r#""$(rm -rf /)""#,
    r#""key: value""#,
    r#""- item""#,
    r#""{{ .Values.x }}""#,
    r#""'""#,
    r#""\"""#,
    r##""#""##,
    r#""yes""#,
    r#""null""#,
    r#""~""#,
    r#""0x1F""#,
    r#""1_000""#,
];

/// Lines that may be inserted anywhere.
const SNIPPETS: &[&str] = &[
    "replicas 0",
    "replicas 1",
    "replicas 5",
    "enabled=#false",
    r#"port "http" 8080"#,
    r#"port "grpc" 9000 protocol="UDP""#,
    r#"port "http" 8080"#,
    r#"waive "replicas" reason="r""#,
    r#"waive "probes""#,
    r#"prefix "p-""#,
    r#"namespace "other""#,
    r#"policy "production""#,
    r#"labels "app.kubernetes.io/name"="api""#,
    r#"labels team="x" "app.kubernetes.io/instance"="y""#,
    r#"annotations "a/b"="c""#,
    r#"env-from "app-config""#,
    r#"env { X "1"; Y secret="api-secrets" key="jwt-secret"; }"#,
    r#"env { PASSWORD "hunter2"; }"#,
    r#"image "x" tag="latest""#,
    r#"image "x" digest="sha256:0000000000000000000000000000000000000000000000000000000000000000""#,
    r#"resources { requests cpu="1" memory="1Gi"; limits cpu="1" memory="1Gi"; }"#,
    r#"liveness http="/" port="http""#,
    r#"readiness tcp="http""#,
    r#"startup "true""#,
    r#"volume "v" mount="/v" empty-dir=#true"#,
    r#"volume "c" mount="/c" config="app-config""#,
    r#"volume "s" mount="/s" secret="api-secrets""#,
    r#"storage "d" mount="/d" size="1Gi""#,
    r#"autoscale min=1 max=3 cpu=50"#,
    r#"disruption max-unavailable="50%""#,
    r#"rollout max-surge="25%" max-unavailable=0"#,
    r#"reach "api" "postgres:postgres""#,
    r#"egress "0.0.0.0/0" port=443"#,
    r#"allow-from "api""#,
    r#"spread "zone""#,
    r#"anti-affinity "required""#,
    r#"node-selector disk="ssd""#,
    r#"security user=0 non-root=#false"#,
    r#"service-account "sa""#,
    r#"expose "ClusterIP""#,
    r#"schedule "0 0 * * *""#,
    r#"route "r" host="x.example.com" service="api""#,
    r#"tls issuer="letsencrypt-prod""#,
    r#"service "extra" { image "e" tag="1"; port "http" 80; }"#,
    r#"worker "extra-worker" { image "e" tag="1"; }"#,
    r#"stateful "db" { image "db" tag="1"; port "db" 5432; storage "data" mount="/d" size="1Gi"; }"#,
    r#"cronjob "cj" { schedule "@daily"; image "c" tag="1"; }"#,
    r#"config "c2" { data K="v"; }"#,
    r#"secret "s2" { key "k"; }"#,
    r#"secret "s3" source="external" store="vault" { key "k" remote="a" property="b"; }"#,
    r#"ingress "i2" { route "r" host="h.example.com" service="api"; }"#,
    r#"environment "qa" { policy "staging"; prefix "qa-"; }"#,
    r#"environment "production" { service "api" enabled=#false; }"#,
    r#"pipeline { platforms "github"; deploy "production" on="tag:v*"; }"#,
    r#"deploy "staging" on="branch:main" after="production""#,
    r#"build "x" dockerfile="Dockerfile""#,
    r#"run "x" "echo hi""#,
    "}",
    "{",
    "x {",
    "/-",
    "//",
    "/*",
    "*/",
    ";",
    r#"\"#,
];

/// Node names a node may be renamed to.
const NAMES: &[&str] = &[
    "app", "service", "worker", "stateful", "cronjob", "config", "secret", "ingress",
    "environment", "pipeline", "image", "command", "args", "port", "env", "env-from",
    "resources", "requests", "limits", "liveness", "readiness", "startup", "security",
    "service-account", "volume", "spread", "anti-affinity", "node-selector", "reach", "egress",
    "allow-from", "labels", "annotations", "waive", "replicas", "autoscale", "disruption",
    "rollout", "expose", "storage", "schedule", "timezone", "concurrency", "history", "deadline",
    "retries", "restart", "data", "file", "key", "route", "tls", "class", "policy", "namespace",
    "prefix", "registry", "kubernetes", "ingress-controller", "platforms", "branches", "test",
    "build", "scan", "slack", "deploy", "setup", "run", "report",
];

/// Properties that may be added to a node.
const PROPS: &[&str] = &[
    "enabled=#false",
    "enabled=#true",
    "tag=#null",
    "port=#null",
    r#"port="http""#,
    "port=80",
    r#"host="a.example.com""#,
    r#"service="api""#,
    r#"reason="because""#,
    r#"mount="/m""#,
    r#"size="1Gi""#,
    r#"cpu="1""#,
    r#"memory="1Gi""#,
    "min=0",
    "max=0",
    r#"source="external""#,
    r#"source="sealed""#,
    r#"store="s""#,
    r#"path="/p""#,
    "delay=-1",
    "period=0",
    "user=0",
    "approval=#true",
    r#"after="production""#,
    r#"on="manual""#,
    r#"secret="api-secrets""#,
    r#"key="k""#,
    r#"config="app-config""#,
    r#"empty-dir=#true"#,
    r#"digest="sha256:0000000000000000000000000000000000000000000000000000000000000000""#,
];

/// Split a line into tokens: runs of non-blank text, with quoted strings (and their escapes)
/// kept whole.
fn tokens(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_str = false;
    let mut escaped = false;
    for c in line.chars() {
        if in_str {
            cur.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_str = true;
                cur.push(c);
            }
            c if c.is_whitespace() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A KDL string literal holding `s` (control characters escaped, so it stays one line).
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value from the dictionary, or a string or number made from the input.
fn value(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0..=9)? {
        0..=5 => u.choose(VALUES)?.to_string(),
        6 => quote(u.arbitrary::<&str>()?),
        7 => u.arbitrary::<i64>()?.to_string(),
        8 => {
            // A valid-looking name of the length the input asks for.
            let n = u.int_in_range(0..=300)?;
            quote(&"a".repeat(n))
        }
        _ => u.arbitrary::<&str>()?.to_string(),
    })
}

/// Replace the value of a token: the whole token, or what follows `key=`.
fn replace_value(token: &str, new: String) -> String {
    let mut in_str = false;
    for (i, c) in token.char_indices() {
        match c {
            '"' => in_str = !in_str,
            '=' if !in_str => return format!("{}={new}", &token[..i]),
            _ => {}
        }
    }
    new
}

/// Apply between 1 and 8 mutations chosen by `u` to `text`.
pub fn mutate(u: &mut Unstructured, text: &str) -> Result<String> {
    let mut lines: Vec<Vec<String>> = text.lines().map(tokens).collect();
    let rounds = u.int_in_range(1..=8)?;
    for _ in 0..rounds {
        if lines.is_empty() {
            lines.push(Vec::new());
        }
        let n = lines.len();
        let at = u.choose_index(n)?;
        match u.int_in_range(0..=10)? {
            // Replace a value (an argument or a property's value).
            0..=2 => {
                let line = &mut lines[at];
                if line.len() > 1 {
                    let i = u.int_in_range(1..=line.len() - 1)?;
                    let new = value(u)?;
                    line[i] = replace_value(&line[i], new);
                }
            }
            // Duplicate a line somewhere.
            3 => {
                let copy = lines[at].clone();
                let to = u.int_in_range(0..=n)?;
                lines.insert(to, copy);
            }
            // Delete a line.
            4 => {
                lines.remove(at);
            }
            // Move a line.
            5 => {
                let line = lines.remove(at);
                let to = u.int_in_range(0..=lines.len())?;
                lines.insert(to, line);
            }
            // Splice a token from one line into another.
            6 => {
                let from = u.choose_index(n)?;
                if !lines[from].is_empty() {
                    let t = lines[from][u.choose_index(lines[from].len())?].clone();
                    let line = &mut lines[at];
                    let i = u.int_in_range(0..=line.len())?;
                    line.insert(i, t);
                }
            }
            // Insert a snippet line.
            7 => {
                let s = u.choose(SNIPPETS)?;
                lines.insert(at, tokens(s));
            }
            // Add a property to a node.
            8 => {
                let p = u.choose(PROPS)?;
                let line = &mut lines[at];
                let i = line
                    .iter()
                    .position(|t| t == "{")
                    .unwrap_or(line.len());
                line.insert(i, p.to_string());
            }
            // Rename a node.
            9 => {
                let line = &mut lines[at];
                if let Some(first) = line.first_mut()
                    && !first.starts_with("//")
                {
                    *first = u.choose(NAMES)?.to_string();
                }
            }
            // Delete a token.
            _ => {
                let line = &mut lines[at];
                if !line.is_empty() {
                    let i = u.choose_index(line.len())?;
                    line.remove(i);
                }
            }
        }
    }
    let mut out = String::with_capacity(text.len() + 256);
    for line in &lines {
        out.push_str(&line.join(" "));
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_strings_whole() {
        assert_eq!(
            tokens(r#"  env { A "x y\"z" k="a b" }"#),
            ["env", "{", "A", r#""x y\"z""#, r#"k="a b""#, "}"]
        );
        assert_eq!(replace_value(r#"k="a=b""#, "1".into()), "k=1");
        assert_eq!(replace_value(r#""a=b""#, "1".into()), "1");
        assert_eq!(quote("a\"\n"), r#""a\"\u{a}""#);
    }
}
