// cdk8s peer of stowage's benchmark: builds, from N alone, the same Kubernetes objects that
// `stowage render --env production` prints for the spec `bench/gen.py N` writes (N services;
// per 10 of them a worker, a Postgres StatefulSet and a backup CronJob; ingresses of 25 routes;
// network policies from `reach`; HPAs, PDBs; the production overrides), and prints them as YAML.
//
//   node main.js N            (or N=1000 node main.js; bench/peers/cdk8s/run.sh N)
//
// Plain cdk8s 2 `ApiObject`s (no cdk8s-plus, no import step); one construct per workload kind.
'use strict';
const { App, Chart, ApiObject } = require('cdk8s');
const { Construct } = require('constructs');

const N = Number(process.argv[2] ?? process.env.N ?? 10);
if (!Number.isInteger(N) || N < 1) throw new Error(`N must be a positive integer, got ${process.argv[2] ?? process.env.N}`);

// ---- the application ------------------------------------------------------------------------

const APP = 'bench';
const NAMESPACE = 'bench';
const REGISTRY = 'ghcr.io/acme';
const INGRESS_CONTROLLER_NS = 'ingress-nginx';
const BASE_LABELS = { 'app.kubernetes.io/managed-by': 'stowage', 'app.kubernetes.io/part-of': APP, team: 'platform' };
const ENV_LABELS = { stage: 'production' };

const pad = (x, width) => String(x).padStart(width, '0');
const svcName = (i) => `svc-${pad(i, 4)}`;

// env var sources
const lit = (name, value) => ({ name, value });
const fromSecret = (name, secret, key) => ({ name, valueFrom: { secretKeyRef: { key, name: secret } } });
const fromConfig = (name, configMap, key) => ({ name, valueFrom: { configMapKeyRef: { key, name: configMap } } });
const fromField = (name, fieldPath) => ({ name, valueFrom: { fieldRef: { fieldPath } } });

const resources = (reqCpu, reqMem, limCpu, limMem) => ({
  limits: { cpu: limCpu, memory: limMem },
  requests: { cpu: reqCpu, memory: reqMem },
});

// probes: optional delay / period / failures
const timing = ({ delay, period, failures } = {}) => ({
  ...(failures !== undefined && { failureThreshold: failures }),
  ...(delay !== undefined && { initialDelaySeconds: delay }),
  ...(period !== undefined && { periodSeconds: period }),
});
const httpProbe = (path, port, t) => ({ httpGet: { path, port }, ...timing(t) });
const execProbe = (command, t) => ({ exec: { command }, ...timing(t) });

/** The workloads of the spec bench/gen.py writes, with the production environment applied. */
function workloads(n) {
  const groups = Math.max(1, Math.floor(n / 10));
  const out = [];
  for (let i = 0; i < n; i++) {
    const g = pad(i % groups, 3);
    const r1 = svcName((i + 1) % n);
    const r2 = svcName((i + 7) % n);
    const reach = [];
    if (n > 1) reach.push({ to: r1, port: 'http' });
    if (n > 7 && r2 !== r1) reach.push({ to: r2 });
    reach.push({ to: `db-${g}`, port: 'pg' });
    const big = i % 3 === 0; // production overrides every third service
    out.push({
      kind: 'service',
      name: svcName(i),
      image: `${REGISTRY}/${svcName(i)}:1.${i % 10}.${i % 7}`,
      ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }],
      env: [
        lit('NODE_ENV', 'production'),
        lit('LOG_LEVEL', 'info'),
        lit('UPSTREAM_URL', `http://${r1}:8080`),
        lit('DATABASE_HOST', `db-${g}`),
        fromSecret('DATABASE_PASSWORD', `sec-${g}`, 'db-password'),
        fromSecret('API_TOKEN', `sec-${g}`, 'api-token'),
        fromConfig('REGION', `cfg-${g}`, 'REGION'),
        fromField('POD_NAME', 'metadata.name'),
      ],
      envFrom: [`cfg-${g}`],
      resources: big ? resources('250m', '256Mi', '1', '1Gi') : resources('100m', '128Mi', '500m', '512Mi'),
      liveness: httpProbe('/health', 'http', { delay: 10, period: 10 }),
      readiness: httpProbe('/ready', 'http', { period: 5 }),
      startup: httpProbe('/health', 'http', { period: 5, failures: 30 }),
      security: { user: 1000, group: 1000 },
      volumes: [{ name: 'tmp', mount: '/tmp', size: '1Gi' }],
      autoscale: big ? { min: 3, max: 20, cpu: 60, memory: 75 } : { min: 2, max: 10, cpu: 70, memory: 80 },
      rollout: { maxSurge: 1, maxUnavailable: 0 },
      podAnnotations: { 'prometheus.io/port': '9090', 'prometheus.io/scrape': 'true' },
      antiAffinity: big,
      reach,
    });
  }
  for (let k = 0; k < groups; k++) {
    const g = pad(k, 3);
    out.push({
      kind: 'worker',
      name: `worker-${g}`,
      image: `${REGISTRY}/worker-${g}:2.0.${k % 10}`,
      command: ['bin/worker', '--queue', `q-${g}`],
      ports: [{ name: 'metrics', port: 9090 }],
      env: [lit('QUEUE', `q-${g}`), fromSecret('DATABASE_PASSWORD', `sec-${g}`, 'db-password')],
      envFrom: [`cfg-${g}`],
      resources: resources('250m', '256Mi', '1', '1Gi'),
      liveness: httpProbe('/health', 'metrics', { period: 15 }),
      readiness: httpProbe('/ready', 'metrics'),
      security: { user: 1000, group: 1000 },
      volumes: [{ name: 'scratch', mount: '/tmp', size: '5Gi' }],
      autoscale: { min: 2, max: 8, cpu: 75 },
      rollout: { maxSurge: '25%', maxUnavailable: 0 },
      reach: [{ to: `db-${g}`, port: 'pg' }, { to: svcName(k % n), port: 'http' }],
      egress: [{ cidr: '0.0.0.0/0', port: 443 }],
    });
    out.push({
      kind: 'stateful',
      name: `db-${g}`,
      image: 'docker.io/library/postgres:16.4-alpine',
      ports: [{ name: 'pg', port: 5432 }],
      env: [
        lit('POSTGRES_USER', 'app'),
        lit('POSTGRES_DB', `db${g}`),
        fromSecret('POSTGRES_PASSWORD', `sec-${g}`, 'db-password'),
        lit('PGDATA', '/var/lib/postgresql/data/pgdata'),
      ],
      resources: resources('250m', '512Mi', '1', '2Gi'),
      liveness: execProbe(['pg_isready', '-U', 'app'], { period: 10 }),
      readiness: execProbe(['pg_isready', '-U', 'app'], { period: 5 }),
      security: { user: 70, group: 70, fsGroup: 70 },
      volumes: [{ name: 'run', mount: '/var/run/postgresql' }, { name: 'tmp', mount: '/tmp' }],
      storage: [{ name: 'data', mount: '/var/lib/postgresql/data', size: '100Gi' }],
      replicas: 1,
      annotations: { 'waivers.stowage.dev/replicas': 'single primary; restored from the nightly backup' },
      reach: [],
    });
    out.push({
      kind: 'cronjob',
      name: `backup-${g}`,
      schedule: `${k % 60} 2 * * *`,
      timeZone: 'Etc/UTC',
      image: `${REGISTRY}/backup:1.0.0`,
      command: ['/usr/local/bin/backup.sh', `db-${g}`],
      ports: [],
      env: [lit('PGHOST', `db-${g}`), fromSecret('PGPASSWORD', `sec-${g}`, 'db-password'), lit('RETENTION_DAYS', '30')],
      resources: resources('100m', '256Mi', '500m', '1Gi'),
      security: { user: 1000, group: 1000 },
      volumes: [{ name: 'work', mount: '/backups', size: '20Gi' }],
      reach: [{ to: `db-${g}`, port: 'pg' }],
      egress: [{ cidr: '0.0.0.0/0', port: 443 }],
    });
  }
  return out;
}

/** Ingresses of up to 25 routes, one route per service. */
function ingresses(n) {
  const out = [];
  for (let k = 0; k * 25 < n; k++) {
    const routes = [];
    for (let i = k * 25; i < Math.min(k * 25 + 25, n); i++) {
      routes.push({ host: `${svcName(i)}.example.com`, service: svcName(i), port: 'http' });
    }
    out.push({ name: `edge-${pad(k, 3)}`, className: 'nginx', issuer: 'letsencrypt-prod',
      annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '10m' }, routes });
  }
  return out;
}

function configMaps(n) {
  const groups = Math.max(1, Math.floor(n / 10));
  const out = [];
  for (let k = 0; k < groups; k++) {
    out.push({ name: `cfg-${pad(k, 3)}`, data: { FEATURE_FLAGS: 'a,b,c', GROUP: String(k), LOG_FORMAT: 'json', REGION: 'eu-west-1' } });
  }
  return out;
}

// ---- constructs -------------------------------------------------------------------------------

const selectorLabels = (name) => ({ 'app.kubernetes.io/instance': APP, 'app.kubernetes.io/name': name });
const podLabels = (name) => ({ ...selectorLabels(name), ...BASE_LABELS });
const tcp = (port) => ({ port, protocol: 'TCP' });
const podPeer = (name) => ({ podSelector: { matchLabels: selectorLabels(name) } });

/** Who may talk to whom: egress and ingress rules per workload, from `reach`, routes and peers. */
function networkRules(wls, ings) {
  const byName = new Map(wls.map((w) => [w.name, w]));
  const rules = new Map(wls.map((w) => [w.name, { ingress: [], egress: [] }]));
  const reachers = new Map(wls.map((w) => [w.name, []]));
  for (const w of wls) {
    for (const r of w.reach) {
      const target = byName.get(r.to);
      const ports = target.ports.filter((p) => r.port === undefined || p.name === r.port).map((p) => tcp(p.port));
      rules.get(w.name).egress.push({ ports, to: [podPeer(r.to)] });
      reachers.get(r.to).push({ from: w.name, ports });
    }
  }
  const routed = new Map();
  for (const ing of ings) {
    for (const r of ing.routes) routed.set(r.service, r.port);
  }
  for (const w of wls) {
    const rule = rules.get(w.name);
    const sources = reachers.get(w.name).sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
    for (const s of sources) rule.ingress.push({ from: [podPeer(s.from)], ports: s.ports });
    if (w.kind === 'stateful') {
      // replicas of a StatefulSet talk to each other
      const ports = w.ports.map((p) => tcp(p.port));
      rule.ingress.push({ from: [podPeer(w.name)], ports });
      rule.egress.push({ ports, to: [podPeer(w.name)] });
    }
    if (routed.has(w.name)) {
      const port = w.ports.find((p) => p.name === routed.get(w.name)).port;
      rule.ingress.push({
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': INGRESS_CONTROLLER_NS } } }],
        ports: [tcp(port)],
      });
    }
    for (const e of w.egress ?? []) rule.egress.push({ ports: [tcp(e.port)], to: [{ ipBlock: { cidr: e.cidr } }] });
  }
  return rules;
}

function podSpec(w) {
  const container = {
    ...(w.command && { command: w.command }),
    env: w.env,
    ...(w.envFrom && { envFrom: w.envFrom.map((name) => ({ configMapRef: { name } })) }),
    image: w.image,
    imagePullPolicy: 'Always',
    ...(w.liveness && { livenessProbe: w.liveness }),
    name: w.name,
    ...(w.ports.length && { ports: w.ports.map((p) => ({ containerPort: p.port, name: p.name, protocol: 'TCP' })) }),
    ...(w.readiness && { readinessProbe: w.readiness }),
    resources: w.resources,
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    },
    ...(w.startup && { startupProbe: w.startup }),
    volumeMounts: [...w.volumes, ...(w.storage ?? [])].map((v) => ({ mountPath: v.mount, name: v.name })),
  };
  return {
    ...(w.antiAffinity && {
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [{
            podAffinityTerm: { labelSelector: { matchLabels: selectorLabels(w.name) }, topologyKey: 'kubernetes.io/hostname' },
            weight: 100,
          }],
        },
      },
    }),
    automountServiceAccountToken: false,
    containers: [container],
    enableServiceLinks: false,
    securityContext: {
      ...(w.security.fsGroup !== undefined && { fsGroup: w.security.fsGroup }),
      runAsGroup: w.security.group,
      runAsNonRoot: true,
      runAsUser: w.security.user,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumes: w.volumes.map((v) => ({ emptyDir: v.size ? { sizeLimit: v.size } : {}, name: v.name })),
  };
}

const podTemplate = (w) => ({
  metadata: { ...(w.podAnnotations && { annotations: w.podAnnotations }), labels: podLabels(w.name) },
  spec: podSpec(w),
});

/** Common pieces of every workload: labels, its NetworkPolicy, and HPA + PDB when it scales. */
class Workload extends Construct {
  constructor(scope, w, rules) {
    super(scope, w.name);
    this.meta = { name: w.name, labels: selectorLabels(w.name) };
    const policyTypes = [...(rules.ingress.length ? ['Ingress'] : []), ...(rules.egress.length ? ['Egress'] : [])];
    new ApiObject(this, 'netpol', {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
      metadata: { name: w.name },
      spec: {
        ...(rules.egress.length && { egress: rules.egress }),
        ...(rules.ingress.length && { ingress: rules.ingress }),
        podSelector: { matchLabels: selectorLabels(w.name) },
        policyTypes,
      },
    });
  }

  service(w, headless) {
    new ApiObject(this, 'service', {
      apiVersion: 'v1', kind: 'Service', metadata: this.meta,
      spec: {
        ...(headless && { clusterIP: 'None' }),
        ports: w.ports.map((p) => ({ name: p.name, port: p.port, protocol: 'TCP', targetPort: p.name })),
        selector: selectorLabels(w.name),
        type: 'ClusterIP',
      },
    });
  }

  scaling(w, targetKind) {
    const metric = (name, utilization) => ({ resource: { name, target: { averageUtilization: utilization, type: 'Utilization' } }, type: 'Resource' });
    const a = w.autoscale;
    new ApiObject(this, 'hpa', {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: this.meta,
      spec: {
        maxReplicas: a.max,
        metrics: [...(a.cpu ? [metric('cpu', a.cpu)] : []), ...(a.memory ? [metric('memory', a.memory)] : [])],
        minReplicas: a.min,
        scaleTargetRef: { apiVersion: 'apps/v1', kind: targetKind, name: w.name },
      },
    });
    new ApiObject(this, 'pdb', {
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: this.meta,
      spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(w.name) } },
    });
  }
}

/** A Deployment (services and workers): Service if it is a service, HPA, PDB, NetworkPolicy. */
class DeploymentWorkload extends Workload {
  constructor(scope, w, rules) {
    super(scope, w, rules);
    new ApiObject(this, 'deployment', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: this.meta,
      spec: {
        revisionHistoryLimit: 10,
        selector: { matchLabels: selectorLabels(w.name) },
        strategy: { rollingUpdate: w.rollout, type: 'RollingUpdate' },
        template: podTemplate(w),
      },
    });
    if (w.kind === 'service') this.service(w, false);
    this.scaling(w, 'Deployment');
  }
}

/** A StatefulSet with its headless Service and volume claim templates. */
class StatefulWorkload extends Workload {
  constructor(scope, w, rules) {
    super(scope, w, rules);
    new ApiObject(this, 'statefulset', {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { ...this.meta, annotations: w.annotations },
      spec: {
        replicas: w.replicas,
        revisionHistoryLimit: 10,
        selector: { matchLabels: selectorLabels(w.name) },
        serviceName: w.name,
        template: podTemplate(w),
        volumeClaimTemplates: w.storage.map((s) => ({
          apiVersion: 'v1', kind: 'PersistentVolumeClaim',
          metadata: { name: s.name },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: s.size } } },
        })),
      },
    });
    this.service(w, true);
  }
}

/** A CronJob. */
class CronWorkload extends Workload {
  constructor(scope, w, rules) {
    super(scope, w, rules);
    const template = podTemplate(w);
    template.spec.restartPolicy = 'OnFailure';
    new ApiObject(this, 'cronjob', {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: this.meta,
      spec: {
        concurrencyPolicy: 'Forbid',
        failedJobsHistoryLimit: 3,
        jobTemplate: { spec: { backoffLimit: 1, template } },
        schedule: w.schedule,
        successfulJobsHistoryLimit: 3,
        timeZone: w.timeZone,
      },
    });
  }
}

const WORKLOAD_CONSTRUCTS = { service: DeploymentWorkload, worker: DeploymentWorkload, stateful: StatefulWorkload, cronjob: CronWorkload };

class NamespaceChart extends Chart {
  constructor(scope) {
    super(scope, 'namespace', { labels: { ...BASE_LABELS, ...ENV_LABELS } });
    new ApiObject(this, 'namespace', {
      apiVersion: 'v1', kind: 'Namespace',
      metadata: { name: NAMESPACE, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' } },
    });
  }
}

class BenchChart extends Chart {
  constructor(scope, n) {
    super(scope, APP, { namespace: NAMESPACE, labels: { ...BASE_LABELS, ...ENV_LABELS } });
    new ApiObject(this, 'default-deny', {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    new ApiObject(this, 'allow-dns', {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-dns' },
      spec: {
        egress: [{
          ports: [{ port: 53, protocol: 'UDP' }, tcp(53)],
          to: [{
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          }],
        }],
        podSelector: {},
        policyTypes: ['Egress'],
      },
    });
    for (const cm of configMaps(n)) {
      new ApiObject(this, cm.name, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: cm.name }, data: cm.data });
    }
    const wls = workloads(n);
    const ings = ingresses(n);
    const rules = networkRules(wls, ings);
    for (const w of wls) new WORKLOAD_CONSTRUCTS[w.kind](this, w, rules.get(w.name));
    for (const ing of ings) {
      const hosts = ing.routes.map((r) => r.host);
      new ApiObject(this, ing.name, {
        apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
        metadata: {
          name: ing.name,
          labels: { 'app.kubernetes.io/name': ing.name },
          annotations: { 'cert-manager.io/cluster-issuer': ing.issuer, ...ing.annotations },
        },
        spec: {
          ingressClassName: ing.className,
          rules: ing.routes.map((r) => ({
            host: r.host,
            http: { paths: [{ backend: { service: { name: r.service, port: { name: r.port } } }, path: '/', pathType: 'Prefix' }] },
          })),
          tls: [{ hosts, secretName: `${ing.name}-tls` }],
        },
      });
    }
  }
}

const app = new App();
new NamespaceChart(app);
new BenchChart(app, N);
process.stdout.write(app.synthYaml());
