#!/usr/bin/env python3
"""Write a synthetic but realistic stowage spec with N services.

    python3 bench/gen.py N OUTDIR      # writes OUTDIR/stowage.kdl

Per 10 services there is one worker, one stateful database and one cron job. Every service has
two ports, literal, secret and config env vars, an env-from, resources, three probes, security,
a volume, autoscaling, annotations, an ingress route (ingresses of 25 routes) and `reach` to two
other services and its database. Three environments (development/dev, staging, production)
override replicas, autoscaling, resources, env, image tags and ingress hosts. A pipeline builds
one image per service group and deploys to the three environments. The spec is valid
(`stowage validate` exits 0). Output is deterministic. benches/phases.rs benchmarks each phase on the
spec this script writes.
"""
import os
import sys


def generate(n: int) -> str:
    groups = max(1, n // 10)
    out = []
    w = out.append
    w(f"// Synthetic benchmark spec: {n} services, {groups} workers, {groups} stateful, "
      f"{groups} cron jobs, 3 environments.\n")
    w('app "bench" {\n    namespace "bench"\n    registry "ghcr.io/acme"\n'
      '    kubernetes "1.33"\n    labels team="platform"\n'
      '    ingress-controller namespace="ingress-nginx"\n}\n\n')
    for g in range(groups):
        w(f'config "cfg-{g:03}" {{\n    data LOG_FORMAT="json" REGION="eu-west-1" '
          f'GROUP="{g}" FEATURE_FLAGS="a,b,c"\n}}\n')
        w(f'secret "sec-{g:03}" {{\n    key "db-password"\n    key "api-token"\n}}\n')
    w("\n")

    def svc(i):
        return f"svc-{i:04}"

    for i in range(n):
        g = i % groups
        r1, r2 = svc((i + 1) % n), svc((i + 7) % n)
        reach = [f'"{r1}:http"'] if n > 1 else []
        if n > 7 and r2 != r1:
            reach.append(f'"{r2}"')
        reach.append(f'"db-{g:03}:pg"')
        w(f'''service "{svc(i)}" {{
    image "{svc(i)}" tag="1.{i % 10}.{i % 7}"
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
    autoscale min=2 max=10 cpu=70 memory=80
    rollout max-surge=1 max-unavailable=0
    annotations "prometheus.io/scrape"="true" "prometheus.io/port"="9090"
    reach {" ".join(reach)}
}}
''')
    for g in range(groups):
        w(f'''worker "worker-{g:03}" {{
    image "worker-{g:03}" tag="2.0.{g % 10}"
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
    autoscale min=2 max=8 cpu=75
    reach "db-{g:03}:pg" "{svc(g % n)}:http"
    egress "0.0.0.0/0" port=443
}}
''')
        w(f'''stateful "db-{g:03}" {{
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
''')
        w(f'''cronjob "backup-{g:03}" {{
    schedule "{g % 60} 2 * * *"
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
''')
    ingresses = [list(range(k, min(k + 25, n))) for k in range(0, n, 25)]
    for k, members in enumerate(ingresses):
        w(f'ingress "edge-{k:03}" {{\n    class "nginx"\n    tls issuer="letsencrypt-prod"\n'
          f'    annotations "nginx.ingress.kubernetes.io/proxy-body-size"="10m"\n')
        for i in members:
            w(f'    route "{svc(i)}" host="{svc(i)}.example.com" service="{svc(i)}" port="http"\n')
        w("}\n")
    w("\n")

    # Environments.
    w('environment "development" {\n    policy "dev"\n    namespace "bench-dev"\n'
      '    prefix "dev-"\n    labels stage="dev"\n')
    for i in range(n):
        w(f'    service "{svc(i)}" {{\n        image tag="1.{i % 10}.{i % 7}-rc.1"\n'
          f'        autoscale min=1 max=2 cpu=70 memory=80\n'
          f'        env {{\n            NODE_ENV "development"\n            DEBUG "true"\n'
          f'        }}\n    }}\n')
    for g in range(groups):
        w(f'    worker "worker-{g:03}" {{\n        autoscale min=1 max=2 cpu=75\n    }}\n')
    for k, members in enumerate(ingresses):
        w(f'    ingress "edge-{k:03}" {{\n        tls issuer="letsencrypt-staging"\n')
        for i in members:
            w(f'        route "{svc(i)}" host="{svc(i)}.dev.example.com"\n')
        w("    }\n")
    w("}\n\n")

    w('environment "staging" {\n    policy "staging"\n    namespace "bench-staging"\n'
      '    labels stage="staging"\n')
    for i in range(n):
        if i % 2 == 0:
            w(f'    service "{svc(i)}" {{\n        autoscale min=2 max=4 cpu=70 memory=80\n'
              f'        env {{ NODE_ENV "staging"; }}\n    }}\n')
    for g in range(groups):
        w(f'    config "cfg-{g:03}" {{\n        data REGION="eu-central-1"\n    }}\n')
    for k, members in enumerate(ingresses):
        w(f'    ingress "edge-{k:03}" {{\n        tls issuer="letsencrypt-staging"\n')
        for i in members:
            w(f'        route "{svc(i)}" host="{svc(i)}.staging.example.com"\n')
        w("    }\n")
    w("}\n\n")

    w('environment "production" {\n    policy "production"\n    labels stage="production"\n')
    for i in range(n):
        if i % 3 == 0:
            w(f'    service "{svc(i)}" {{\n'
              f'        resources {{\n            requests cpu="250m" memory="256Mi"\n'
              f'            limits cpu="1" memory="1Gi"\n        }}\n'
              f'        autoscale min=3 max=20 cpu=60 memory=75\n'
              f'        anti-affinity "preferred"\n    }}\n')
    for g in range(groups):
        w(f'    stateful "db-{g:03}" {{\n        storage "data" size="100Gi"\n    }}\n')
    w("}\n\n")

    w('pipeline {\n    platforms "github" "gitlab"\n    branches "main" "develop"\n'
      '    test {\n        setup "node" version="20" cache="npm"\n'
      '        run "Install" "npm ci"\n        run "Unit tests" "npm test -- --ci"\n    }\n')
    for g in range(groups):
        w(f'    build "worker-{g:03}" dockerfile="workers/Dockerfile"\n')
    w('    build "backup" dockerfile="backup/Dockerfile"\n')
    w('    scan severity="HIGH,CRITICAL" fail=#true\n'
      '    deploy "development" on="branch:develop" credentials="DEV_KUBECONFIG"\n'
      '    deploy "staging" on="branch:main" credentials="STAGING_KUBECONFIG"\n'
      '    deploy "production" on="tag:v*" after="staging" approval=#true '
      'credentials="PROD_KUBECONFIG"\n}\n')
    return "".join(out)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen.py N OUTDIR")
    n = int(sys.argv[1])
    os.makedirs(sys.argv[2], exist_ok=True)
    with open(os.path.join(sys.argv[2], "stowage.kdl"), "w") as f:
        f.write(generate(n))


if __name__ == "__main__":
    main()
