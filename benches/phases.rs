//! Micro-benchmarks of each compiler phase on a synthetic spec of N = 1000 services (the spec
//! `bench/gen.py 1000` writes; `spec()` below is a Rust port of it: `STOWAGE_BENCH_WRITE=FILE
//! cargo bench --bench phases` writes it to FILE instead of measuring, to compare with the
//! script's output). `cargo bench --bench phases` (add `-- --quick` for a short run). A
//! regression in `stowage build` shows here as the phase it came from. The end-to-end
//! comparison with kustomize and Helm is `bench/run.sh`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::hint::black_box;

/// The spec `bench/gen.py N` writes.
pub fn spec(n: usize) -> String {
    let groups = (n / 10).max(1);
    let svc = |i: usize| format!("svc-{i:04}");
    let mut w = String::new();
    let o = &mut w;
    writeln!(o, "// Synthetic benchmark spec: {n} services, {groups} workers, {groups} stateful, {groups} cron jobs, 3 environments.").unwrap();
    o.push_str("app \"bench\" {\n    namespace \"bench\"\n    registry \"ghcr.io/acme\"\n    kubernetes \"1.33\"\n    labels team=\"platform\"\n    ingress-controller namespace=\"ingress-nginx\"\n}\n\n");
    for g in 0..groups {
        write!(o, "config \"cfg-{g:03}\" {{\n    data LOG_FORMAT=\"json\" REGION=\"eu-west-1\" GROUP=\"{g}\" FEATURE_FLAGS=\"a,b,c\"\n}}\n").unwrap();
        write!(
            o,
            "secret \"sec-{g:03}\" {{\n    key \"db-password\"\n    key \"api-token\"\n}}\n"
        )
        .unwrap();
    }
    o.push('\n');
    for i in 0..n {
        let g = i % groups;
        let (r1, r2) = (svc((i + 1) % n), svc((i + 7) % n));
        let mut reach = Vec::new();
        if n > 1 {
            reach.push(format!("\"{r1}:http\""));
        }
        if n > 7 && r2 != r1 {
            reach.push(format!("\"{r2}\""));
        }
        reach.push(format!("\"db-{g:03}:pg\""));
        let name = svc(i);
        write!(
            o,
            r#"service "{name}" {{
    image "{name}" tag="1.{a}.{b}"
    port "http" 8080
    port "metrics" 9090
    env {{
        NODE_ENV "production"
        LOG_LEVEL "info"
        UPSTREAM_URL "http://{r1}:8080"
        DATABASE_HOST "db-{g:03}"
        DATABASE_PASSWORD secret="sec-{g:03}" key="db-password"
        API_TOKEN secret="sec-{g:03}" key="api-token"
        REGION config="cfg-{g:03}" key="REGION"
        POD_NAME field="metadata.name"
    }}
    env-from "cfg-{g:03}"
    resources {{
        requests cpu="100m" memory="128Mi"
        limits cpu="500m" memory="512Mi"
    }}
    liveness http="/health" port="http" delay=10 period=10
    readiness http="/ready" port="http" period=5
    startup http="/health" port="http" period=5 failures=30
    security user=1000 group=1000
    volume "tmp" mount="/tmp" empty-dir=#true size="1Gi"
    replicas 2
    autoscale min=2 max=10 cpu=70 memory=80
    rollout max-surge=1 max-unavailable=0
    annotations "prometheus.io/scrape"="true" "prometheus.io/port"="9090"
    reach {reach}
}}
"#,
            a = i % 10,
            b = i % 7,
            reach = reach.join(" ")
        )
        .unwrap();
    }
    for g in 0..groups {
        let first = svc(g % n);
        write!(
            o,
            r#"worker "worker-{g:03}" {{
    image "worker-{g:03}" tag="2.0.{gm}"
    command "bin/worker" "--queue" "q-{g:03}"
    port "metrics" 9090
    env {{
        QUEUE "q-{g:03}"
        DATABASE_PASSWORD secret="sec-{g:03}" key="db-password"
    }}
    env-from "cfg-{g:03}"
    resources {{
        requests cpu="250m" memory="256Mi"
        limits cpu="1" memory="1Gi"
    }}
    liveness http="/health" port="metrics" period=15
    readiness http="/ready" port="metrics"
    security user=1000 group=1000
    volume "scratch" mount="/tmp" empty-dir=#true size="5Gi"
    replicas 2
    autoscale min=2 max=8 cpu=75
    reach "db-{g:03}:pg" "{first}:http"
    egress "0.0.0.0/0" port=443
}}
"#,
            gm = g % 10
        )
        .unwrap();
        write!(
            o,
            r#"stateful "db-{g:03}" {{
    image "docker.io/library/postgres" tag="16.4-alpine"
    port "pg" 5432
    env {{
        POSTGRES_USER "app"
        POSTGRES_DB "db{g:03}"
        POSTGRES_PASSWORD secret="sec-{g:03}" key="db-password"
        PGDATA "/var/lib/postgresql/data/pgdata"
    }}
    resources {{
        requests cpu="250m" memory="512Mi"
        limits cpu="1" memory="2Gi"
    }}
    liveness "pg_isready" "-U" "app" period=10
    readiness "pg_isready" "-U" "app" period=5
    security user=70 group=70 fs-group=70
    volume "run" mount="/var/run/postgresql" empty-dir=#true
    volume "tmp" mount="/tmp" empty-dir=#true
    storage "data" mount="/var/lib/postgresql/data" size="20Gi"
    replicas 1
    waive "replicas" reason="single primary; restored from the nightly backup"
}}
"#
        )
        .unwrap();
        write!(
            o,
            r#"cronjob "backup-{g:03}" {{
    schedule "{m} 2 * * *"
    timezone "Etc/UTC"
    image "backup" tag="1.0.0"
    command "/usr/local/bin/backup.sh" "db-{g:03}"
    env {{
        PGHOST "db-{g:03}"
        PGPASSWORD secret="sec-{g:03}" key="db-password"
        RETENTION_DAYS "30"
    }}
    resources {{
        requests cpu="100m" memory="256Mi"
        limits cpu="500m" memory="1Gi"
    }}
    security user=1000 group=1000
    volume "work" mount="/backups" empty-dir=#true size="20Gi"
    concurrency "Forbid"
    history success=3 failure=3
    retries 1
    reach "db-{g:03}:pg"
    egress "0.0.0.0/0" port=443
}}
"#,
            m = g % 60
        )
        .unwrap();
    }
    let ingresses: Vec<Vec<usize>> = (0..n)
        .step_by(25)
        .map(|k| (k..(k + 25).min(n)).collect())
        .collect();
    for (k, members) in ingresses.iter().enumerate() {
        write!(o, "ingress \"edge-{k:03}\" {{\n    class \"nginx\"\n    tls issuer=\"letsencrypt-prod\"\n    annotations \"nginx.ingress.kubernetes.io/proxy-body-size\"=\"10m\"\n").unwrap();
        for &i in members {
            let s = svc(i);
            writeln!(
                o,
                "    route \"{s}\" host=\"{s}.example.com\" service=\"{s}\" port=\"http\""
            )
            .unwrap();
        }
        o.push_str("}\n");
    }
    o.push('\n');
    o.push_str("environment \"development\" {\n    policy \"dev\"\n    namespace \"bench-dev\"\n    prefix \"dev-\"\n    labels stage=\"dev\"\n");
    for i in 0..n {
        write!(o, "    service \"{}\" {{\n        image tag=\"1.{}.{}-rc.1\"\n        replicas 1\n        autoscale min=1 max=2 cpu=70 memory=80\n        env {{\n            NODE_ENV \"development\"\n            DEBUG \"true\"\n        }}\n    }}\n", svc(i), i % 10, i % 7).unwrap();
    }
    for g in 0..groups {
        write!(o, "    worker \"worker-{g:03}\" {{\n        replicas 1\n        autoscale min=1 max=2 cpu=75\n    }}\n").unwrap();
    }
    let env_ingresses = |o: &mut String, domain: &str| {
        for (k, members) in ingresses.iter().enumerate() {
            write!(
                o,
                "    ingress \"edge-{k:03}\" {{\n        tls issuer=\"letsencrypt-staging\"\n"
            )
            .unwrap();
            for &i in members {
                let s = svc(i);
                writeln!(o, "        route \"{s}\" host=\"{s}.{domain}.example.com\"").unwrap();
            }
            o.push_str("    }\n");
        }
    };
    env_ingresses(o, "dev");
    o.push_str("}\n\n");
    o.push_str("environment \"staging\" {\n    policy \"staging\"\n    namespace \"bench-staging\"\n    labels stage=\"staging\"\n");
    for i in (0..n).step_by(2) {
        write!(o, "    service \"{}\" {{\n        autoscale min=2 max=4 cpu=70 memory=80\n        env {{ NODE_ENV \"staging\"; }}\n    }}\n", svc(i)).unwrap();
    }
    for g in 0..groups {
        write!(
            o,
            "    config \"cfg-{g:03}\" {{\n        data REGION=\"eu-central-1\"\n    }}\n"
        )
        .unwrap();
    }
    env_ingresses(o, "staging");
    o.push_str("}\n\n");
    o.push_str("environment \"production\" {\n    policy \"production\"\n    labels stage=\"production\"\n");
    for i in (0..n).step_by(3) {
        write!(o, "    service \"{}\" {{\n        replicas 3\n        resources {{\n            requests cpu=\"250m\" memory=\"256Mi\"\n            limits cpu=\"1\" memory=\"1Gi\"\n        }}\n        autoscale min=3 max=20 cpu=60 memory=75\n        anti-affinity \"preferred\"\n    }}\n", svc(i)).unwrap();
    }
    for g in 0..groups {
        write!(
            o,
            "    stateful \"db-{g:03}\" {{\n        storage \"data\" size=\"100Gi\"\n    }}\n"
        )
        .unwrap();
    }
    o.push_str("}\n\n");
    o.push_str("pipeline {\n    platforms \"github\" \"gitlab\"\n    branches \"main\" \"develop\"\n    test {\n        setup \"node\" version=\"20\" cache=\"npm\"\n        run \"Install\" \"npm ci\"\n        run \"Unit tests\" \"npm test -- --ci\"\n    }\n");
    for g in 0..groups {
        writeln!(
            o,
            "    build \"worker-{g:03}\" dockerfile=\"workers/Dockerfile\""
        )
        .unwrap();
    }
    o.push_str("    build \"backup\" dockerfile=\"backup/Dockerfile\"\n");
    o.push_str("    scan severity=\"HIGH,CRITICAL\" fail=#true\n    deploy \"development\" on=\"branch:develop\" credentials=\"DEV_KUBECONFIG\"\n    deploy \"staging\" on=\"branch:main\" credentials=\"STAGING_KUBECONFIG\"\n    deploy \"production\" on=\"tag:v*\" after=\"staging\" approval=#true credentials=\"PROD_KUBECONFIG\"\n}\n");
    w
}

fn phases(c: &mut Criterion) {
    let n: usize = std::env::var("STOWAGE_BENCH_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let text = spec(n);
    if let Ok(path) = std::env::var("STOWAGE_BENCH_WRITE") {
        // bench/run.sh compares this with bench/gen.py's output.
        std::fs::write(path, &text).expect("the spec is written");
        return;
    }
    let (spec, diags) = stowage::syntax::parse(&text);
    let spec = spec.expect("the benchmark spec parses");
    assert!(!diags.has_errors() && !stowage::check::check(&spec).has_errors());
    let files = BTreeMap::new();
    let ir = stowage::ir::lower(&spec, "stowage.kdl", &files);

    let mut g = c.benchmark_group(format!("n{n}"));
    g.sample_size(10);
    g.bench_function("parse", |b| {
        b.iter(|| stowage::syntax::parse(black_box(&text)))
    });
    g.bench_function("check", |b| {
        b.iter(|| stowage::check::check(black_box(&spec)))
    });
    g.bench_function("lower", |b| {
        b.iter(|| stowage::ir::lower(black_box(&spec), "stowage.kdl", &files))
    });
    g.bench_function("emit_kustomize", |b| {
        b.iter(|| stowage::emit::kustomize::emit(black_box(&ir)))
    });
    g.bench_function("emit_helm", |b| {
        b.iter(|| stowage::emit::helm::emit(black_box(&ir)))
    });
    g.bench_function("emit_github", |b| {
        b.iter(|| stowage::emit::github::emit(black_box(&ir)))
    });
    g.bench_function("emit_gitlab", |b| {
        b.iter(|| stowage::emit::gitlab::emit(black_box(&ir)))
    });
    g.finish();
}

criterion_group!(benches, phases);
criterion_main!(benches);
