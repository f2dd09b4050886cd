# Examples of every diagnostic code, for book/src/diagnostics.md (see gen-diagnostics.py).
# Each entry: the code, what triggers it, a bad fragment, its fix; fragments follow
# `app "shop" { namespace "shop" }` unless wrap says otherwise.
# (code, trigger, bad, fix, wrap, files)
GOOD_WORKER_BODY = '''    resources {
        requests cpu="100m" memory="128Mi"
        limits cpu="250m" memory="256Mi"
    }
    liveness "mailer" "--check"
    readiness "mailer" "--check"'''

E = []
def add(code, trigger, bad, fix, wrap="items", files=None, group=None, pending=False):
    E.append(dict(code=code, trigger=trigger.strip(), bad=bad.strip('\n'), fix=fix.strip('\n'), wrap=wrap, files=files or {}, group=group, pending=pending))

# ------------------------------------------------------------------ syntax
add("stowage::syntax::kdl", """
The file is not valid KDL 2.0, so nothing else can be checked. The message is the KDL parser's.
Common causes: a `{` or a string that is never closed, KDL 1 booleans (`true` instead of
`#true`), a node name KDL does not accept without quotes (an environment variable starting with
a digit: quote it, `"2FA_ISSUER" "acme"`).""", '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    volume "tmp" mount="/tmp" empty-dir=true
}''', '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    volume "tmp" mount="/tmp" empty-dir=#true
}''')

add("stowage::syntax::missing-app", """
The spec has no `app` node. Every spec describes one app and starts with it.""", '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
}''', '''
app "shop" {
    namespace "shop"
}

service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
}''', wrap="none")

add("stowage::syntax::unknown-node", """
A node that is not part of the language where it is: an unknown top-level node, or a child that
its parent does not take. The help suggests the closest valid name, or lists the valid ones.""", '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    replica 3
}''', '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    replicas 3
}''')

add("stowage::syntax::unknown-property", """
A property the node does not take. The help suggests the closest valid property, or lists them.""", '''
worker "mailer" {
    image "mailer" version="2.3.1"
}''', '''
worker "mailer" {
    image "mailer" tag="2.3.1"
}''')

add("stowage::syntax::duplicate-property", """
The same property twice on one node. KDL would keep the last one silently; stowage asks you to
keep one.""", '''
worker "mailer" {
    image "mailer" tag="2.3.1" tag="2.4.0"
}''', '''
worker "mailer" {
    image "mailer" tag="2.4.0"
}''')

add("stowage::syntax::duplicate-node", """
A node that may appear once is given twice in the same parent: a second `env`, `resources`,
`reach`, `replicas`, ..., or a second `app`. Named nodes (`port`, `volume`, `env-from`, ...) may
repeat, one per name.""", '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    env { LOG_LEVEL "info"; }
    env { LOG_FORMAT "json"; }
}''', '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    env {
        LOG_LEVEL "info"
        LOG_FORMAT "json"
    }
}''')

add("stowage::syntax::misplaced-node", """
A child that another kind of workload takes, but not this one: `storage` outside a `stateful`,
`schedule` outside a `cronjob`, `autoscale` or `rollout` in a `stateful`, `port` or probes in a
`cronjob`. Declare the workload with the kind that supports it, or remove the node.""", '''
service "db" {
    image "docker.io/library/postgres" tag="16.4-alpine"
    port "postgres" 5432
    storage "data" mount="/var/lib/postgresql/data" size="10Gi"
}''', '''
stateful "db" {
    image "docker.io/library/postgres" tag="16.4-alpine"
    port "postgres" 5432
    storage "data" mount="/var/lib/postgresql/data" size="10Gi"
}''')

add("stowage::syntax::extra-argument", """
A node has more arguments than it takes (`replicas 2 3`, a third value on `port`), or a node that
takes only properties (`labels`, `annotations`, `node-selector`, `data`) has an argument.""", '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080 80
}''', '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080 service-port=80
}''')

add("stowage::syntax::missing-argument", """
A node lacks an argument it needs: a name (`service { }`), a value (`replicas`), a port's number,
an environment variable's value, a target for `reach`.""", '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    replicas
}''', '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    replicas 2
}''')

add("stowage::syntax::missing-property", """
A node lacks a property it needs: `port=` on an http probe, `max=` on `autoscale`, `mount=` on a
volume, `mount=` and `size=` on `storage`, `host=` and `service=` on a route.""", '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    liveness http="/health"
}''', '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    liveness http="/health" port="http"
}''')

add("stowage::syntax::type", """
A value of the wrong type: a string where an integer is expected (`replicas "3"`), an integer
where a string is expected (`image 42`), a non-boolean `enabled=`. The help says how to write
it.""", '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    replicas "3"
}''', '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    replicas 3
}''')

add("stowage::syntax::invalid-value", """
A value outside its fixed set: a policy level, a secret source, `spread`, `anti-affinity`,
`expose`, a port `protocol=`, `pull=`, `concurrency`, `restart`, a route's `path-type=`,
`issuer-kind=`, `store-kind=`, an env `field=`. The help suggests the closest valid value and
lists them all.""", '''
environment "prod" {
    policy "prod"
}''', '''
environment "prod" {
    policy "production"
}''')

add("stowage::syntax::probe", """
A probe (`liveness`, `readiness`, `startup`) that says nothing to check, or more than one check.
A probe is exactly one of `http=` (with `port=`), `tcp=`, `grpc=`, or a command as arguments.""", '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    liveness tcp="http" http="/health" port="http"
}''', '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    liveness http="/health" port="http"
}''')

add("stowage::syntax::volume-source", """
A `volume` with no source, or with more than one. Give exactly one of `empty-dir=#true`,
`config="NAME"`, `secret="NAME"` or `claim="NAME"`.""", '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    volume "tmp" mount="/tmp"
}''', '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    volume "tmp" mount="/tmp" empty-dir=#true
}''')

add("stowage::syntax::unexpected-children", """
A node that takes properties (`labels`, `annotations`, `node-selector`, `data`) is written with
child nodes. Write the pairs as properties; quote keys that contain `/` or `:`.""", '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    labels {
        team "mail"
    }
}''', '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    labels team="mail"
}''')

# ------------------------------------------------------------------ names
add("stowage::name::invalid", """
A name that Kubernetes would reject: the app, a workload, config, secret, ingress, environment,
namespace, volume, storage, claim, service account or ingress class name, or an environment
`prefix`. Names are lower-case letters, digits and `-`; workload names start with a letter; most
are at most 63 characters. When lower-casing and replacing `_` by `-` gives a valid name, the help
proposes it.""", '''
worker "Mail_Sender" {
    image "mailer" tag="2.3.1"
}''', '''
worker "mail-sender" {
    image "mailer" tag="2.3.1"
}''')

add("stowage::name::duplicate", """
Two things of one kind share a name where names must be unique: two workloads (of any kinds), two
configs, secrets, ingresses or environments, two ports, volumes (including `storage`),
environment variables or `env-from` sources of one workload, two routes of an ingress, two keys of
a config or secret.""", '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    port "http" 8081
}''', '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    port "admin" 8081
}''')

add("stowage::name::label", """
An invalid label or annotation key (`[prefix/]name`, the name at most 63 letters, digits, `-`,
`_`, `.`), or an invalid label value (at most 63 of those characters, starting and ending with a
letter or digit). Applies to `labels`, `annotations` and `node-selector` everywhere.""", '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    labels team="mail team"
}''', '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    labels team="mail-team"
}''')

add("stowage::name::port", """
A port name Kubernetes would reject: at most 15 lower-case letters, digits and `-`, with at least
one letter, no `-` at either end and no `--`.""", '''
service "web" {
    image "web" tag="1.0.0"
    port "prometheus-metrics" 9464
}''', '''
service "web" {
    image "web" tag="1.0.0"
    port "metrics" 9464
}''')

add("stowage::name::env", """
An environment variable name Kubernetes would reject: letters, digits, `_`, `.` and `-`, not
starting with a digit.""", '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    env {
        "2FA_ISSUER" "acme"
    }
}''', '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    env {
        TWO_FA_ISSUER "acme"
    }
}''')

add("stowage::name::key", """
A config key (of `data` or `file`) Kubernetes would reject: letters, digits, `-`, `_` and `.`, at
most 253 characters.""", '''
config "app-config" {
    data "log level"="info"
}''', '''
config "app-config" {
    data LOG_LEVEL="info"
}''')

add("stowage::name::host", """
A route `host=` that is not a lower-case DNS name (a leading `*.` wildcard is allowed).""", '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
}

ingress "web" {
    route "web" host="Shop.Example.com" service="web"
}''', '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
}

ingress "web" {
    route "web" host="shop.example.com" service="web"
}''')

# ------------------------------------------------------------------ values
add("stowage::value::range", """
A number out of its range: negative `replicas`, a probe timing of 0 or less (`delay` may be 0), a
negative `disruption` or `rollout` value, an integer too large for stowage.""", '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    replicas -1
}''', '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    replicas 1
}''')

add("stowage::value::port", """
A port number outside 1-65535: a `port` number, a `service-port=`, or a probe's port number.""", '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 80800
}''', '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
}''')

add("stowage::value::duplicate-port", """
Two ports of one workload use the same number and protocol.""", '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    port "metrics" 8080
}''', '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    port "metrics" 9464
}''')

add("stowage::value::requests-above-limits", """
A cpu or memory request larger than its limit, which Kubernetes rejects.""", '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    resources {
        requests memory="1Gi"
        limits memory="512Mi"
    }
}''', '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    resources {
        requests memory="512Mi"
        limits memory="1Gi"
    }
}''')

add("stowage::value::quantity", """
A resource quantity (`resources`, a volume's `size=`, a storage `size=`) that is not a Kubernetes
quantity, or uses the wrong unit: `"512mi"` (did you mean `"512Mi"`?), memory in `m`
(thousandths of a byte), CPU in `Mi`/`Gi`.""", '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    resources {
        requests memory="512mi"
    }
}''', '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    resources {
        requests memory="512Mi"
    }
}''')

add("stowage::value::path", """
A path that must be absolute is not: an http probe path, a volume's `mount=`, a route's
`path=`.""", '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    readiness http="ready" port="http"
}''', '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    readiness http="/ready" port="http"
}''')

add("stowage::value::mount", """
Two volumes (or a volume and a `storage`) of one workload are mounted at the same path.""", '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    volume "tmp" mount="/tmp" empty-dir=#true
    volume "spool" mount="/tmp" empty-dir=#true
}''', '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    volume "tmp" mount="/tmp" empty-dir=#true
    volume "spool" mount="/var/spool/mail" empty-dir=#true
}''')

add("stowage::value::autoscale", """
An `autoscale` that cannot work: `min` below 1, `max` below `min`, a target outside 1-100, no
target at all, or a `cpu=`/`memory=` target without the matching request in `resources`
(utilisation is measured against the request).""", '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    autoscale min=2 max=10 cpu=70
}''', '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    resources {
        requests cpu="100m" memory="128Mi"
    }
    autoscale min=2 max=10 cpu=70
}''')

add("stowage::value::disruption", """
A `disruption` with both `min-available=` and `max-unavailable=`, or with neither.""", '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    replicas 3
    disruption min-available=2 max-unavailable=1
}''', '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    replicas 3
    disruption max-unavailable=1
}''')

add("stowage::value::percentage", """
A string where an integer or a percentage is expected (`disruption`, `rollout`) that is not
`"N%"` with N from 0 to 100.""", '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    rollout max-surge="half"
}''', '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    rollout max-surge="50%"
}''')

add("stowage::value::cidr", """
An `egress` block that is not `ADDRESS/BITS` (IPv4 with at most 32 bits, IPv6 with at most 128).""", '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    egress "203.0.113.25" port=587
}''', '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    egress "203.0.113.25/32" port=587
}''')

add("stowage::value::cron", """
A cronjob `schedule` that is not five valid fields (minute, hour, day of month, month, day of
week) or one of the `@daily`-style macros.""", '''
cronjob "backup" {
    image "backup" tag="1.0.0"
    schedule "0 2 * *"
}''', '''
cronjob "backup" {
    image "backup" tag="1.0.0"
    schedule "0 2 * * *"
}''')

# ------------------------------------------------------------------ images
add("stowage::image::tag-in-name", """
The image name carries its tag or digest (`"web:1.0.0"`, `"web@sha256:..."`). Write them as
properties so environments can override them alone.""", '''
worker "mailer" {
    image "mailer:2.3.1"
}''', '''
worker "mailer" {
    image "mailer" tag="2.3.1"
}''')

add("stowage::image::name", """
An image name that is empty, or has upper-case letters or spaces.""", '''
worker "mailer" {
    image "Mailer" tag="2.3.1"
}''', '''
worker "mailer" {
    image "mailer" tag="2.3.1"
}''')

add("stowage::image::digest", """
A `digest=` that is not `sha256:` followed by 64 hex digits.""", '''
worker "mailer" {
    image "mailer" digest="4f5c2a"
}''', '''
worker "mailer" {
    image "mailer" digest="sha256:4f5c2a0e3b1d9c8f7a6b5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b"
}''')

add("stowage::image::tag", """
A `tag=` that is not a valid image tag: at most 128 letters, digits, `_`, `.` and `-`, not
starting with `.` or `-`.""", '''
worker "mailer" {
    image "mailer" tag="2.3.1/beta"
}''', '''
worker "mailer" {
    image "mailer" tag="2.3.1-beta"
}''')

# ------------------------------------------------------------------ workloads
add("stowage::workload::image", """
A workload has no `image`. When an environment adds a workload without an image whose name is
close to a base workload's (or equal to one of another kind), the message says that the
environment adds a new workload and asks whether an override was meant.""", '''
worker "mailer" {
    command "mailer" "--serve"
}''', '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    command "mailer" "--serve"
}''')

add("stowage::workload::ports", """
A `service` has no ports (a service is something others connect to), or `expose` is given to a
workload without ports.""", '''
service "mailer" {
    image "mailer" tag="2.3.1"
}''', '''
worker "mailer" {
    image "mailer" tag="2.3.1"
}''')

add("stowage::workload::schedule", """
A `cronjob` has no `schedule`.""", '''
cronjob "backup" {
    image "backup" tag="1.0.0"
}''', '''
cronjob "backup" {
    image "backup" tag="1.0.0"
    schedule "0 2 * * *"
}''')

# ------------------------------------------------------------------ references
add("stowage::ref::secret", """
A `secret=` (in `env` or `volume`) names a secret the spec does not declare.""", '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    env {
        SMTP_PASSWORD secret="smtp" key="password"
    }
}''', '''
secret "smtp" {
    key "password"
}

worker "mailer" {
    image "mailer" tag="2.3.1"
    env {
        SMTP_PASSWORD secret="smtp" key="password"
    }
}''')

add("stowage::ref::config", """
A `config=` (in `env` or `volume`) names a config the spec does not declare.""", '''
config "mail-config" {
    data RELAY="smtp.example.com"
}

worker "mailer" {
    image "mailer" tag="2.3.1"
    env {
        RELAY config="mail-conf"
    }
}''', '''
config "mail-config" {
    data RELAY="smtp.example.com"
}

worker "mailer" {
    image "mailer" tag="2.3.1"
    env {
        RELAY config="mail-config"
    }
}''')

add("stowage::ref::key", """
An `env` variable reads a key its config does not have, or a key that is not among the keys its
secret lists. (A secret that lists no keys accepts any key.)""", '''
secret "smtp" {
    key "username"
    key "password"
}

worker "mailer" {
    image "mailer" tag="2.3.1"
    env {
        SMTP_PASSWORD secret="smtp" key="pasword"
    }
}''', '''
secret "smtp" {
    key "username"
    key "password"
}

worker "mailer" {
    image "mailer" tag="2.3.1"
    env {
        SMTP_PASSWORD secret="smtp" key="password"
    }
}''')

add("stowage::ref::port", """
A port reference that does not resolve: a probe's port that the workload does not declare, a
`reach "target:port"` or route `port=` that the target does not have, a `reach` to a workload
without ports, or a route to a workload with several ports that does not say which.""", '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    liveness http="/health" port="web"
}''', '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    liveness http="/health" port="http"
}''')

add("stowage::ref::service", """
A `reach` target or a route `service=` that is not a workload of the environment; a workload that
reaches itself; a route to a workload that has no Service (a `worker` without `expose`, a
`cronjob`, a workload without ports).""", '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    reach "postgress"
}

stateful "postgres" {
    image "docker.io/library/postgres" tag="16.4-alpine"
    port "postgres" 5432
}''', '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    reach "postgres"
}

stateful "postgres" {
    image "docker.io/library/postgres" tag="16.4-alpine"
    port "postgres" 5432
}''')

add("stowage::ref::source", """
An `env-from` names neither a config nor a secret of the spec.""", '''
config "mail-config" {
    data RELAY="smtp.example.com"
}

worker "mailer" {
    image "mailer" tag="2.3.1"
    env-from "mail-conf"
}''', '''
config "mail-config" {
    data RELAY="smtp.example.com"
}

worker "mailer" {
    image "mailer" tag="2.3.1"
    env-from "mail-config"
}''')

add("stowage::ref::ambiguous", """
An `env-from` names something that is both a config and a secret: stowage cannot tell which is
meant. Rename one of them.""", '''
config "mail" {
    data RELAY="smtp.example.com"
}

secret "mail" {
    key "SMTP_PASSWORD"
}

worker "mailer" {
    image "mailer" tag="2.3.1"
    env-from "mail"
}''', '''
config "mail" {
    data RELAY="smtp.example.com"
}

secret "mail-credentials" {
    key "SMTP_PASSWORD"
}

worker "mailer" {
    image "mailer" tag="2.3.1"
    env-from "mail"
    env-from "mail-credentials"
}''')

# ------------------------------------------------------------------ secrets
add("stowage::secret::plaintext", """
A secret value written in the spec: an `env` literal whose name looks like a secret (contains
`PASSWORD`, `PASSWD`, `SECRET`, `TOKEN`, `API_KEY`, `APIKEY`, `PRIVATE_KEY`, `ACCESS_KEY`,
`CREDENTIAL`), an `env` literal or config value that is a URL with a password in it, a config key
that looks like a secret, or a `value=` on a secret's key. Declare a `secret` and reference it.""", '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    env {
        SMTP_PASSWORD "hunter2"
    }
}''', '''
secret "smtp" {
    key "password"
}

worker "mailer" {
    image "mailer" tag="2.3.1"
    env {
        SMTP_PASSWORD secret="smtp" key="password"
    }
}''')

add("stowage::secret::source", """
A secret whose keys do not fit its `source=`: an existing secret with `encrypted=` or `remote=`
on a key; a sealed secret without keys, or a key without `encrypted=`; an external secret without
`store=`, without keys, or a key without `remote=`.""", '''
secret "smtp" source="external" store="vault" {
    key "password"
}''', '''
secret "smtp" source="external" store="vault" {
    key "password" remote="mail/smtp" property="password"
}''')

add("stowage::secret::prefix", """
A sealed secret in an environment with a `prefix`. A SealedSecret is encrypted for its name and
namespace, so it cannot be renamed: give the environment its own namespace instead of a prefix.""", '''
secret "smtp" source="sealed" {
    key "password" encrypted="AgBy3i4OJSWK+PiTySYZZA"
}

environment "dev" {
    policy "dev"
    prefix "dev-"
}''', '''
secret "smtp" source="sealed" {
    key "password" encrypted="AgBy3i4OJSWK+PiTySYZZA"
}

environment "dev" {
    policy "dev"
    namespace "shop-dev"
}''')

# ------------------------------------------------------------------ config
add("stowage::config::file", """
A config `file` whose `path=` cannot be read: it is absolute or leaves the spec's folder with
`..`, or the file does not exist or is not readable. Paths are relative to the folder of
`stowage.kdl`.""", '''
config "web-config" {
    file "nginx.conf" path="../nginx/nginx.conf"
}''', '''
config "web-config" {
    file "nginx.conf" path="config/nginx.conf"
}''', files={"config/nginx.conf": "worker_processes 1;\n"})

# ------------------------------------------------------------------ ingress
add("stowage::ingress::routes", """
An `ingress` without any `route`.""", '''
ingress "web" {
    class "nginx"
}''', '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
}

ingress "web" {
    class "nginx"
    route "web" host="shop.example.com" service="web"
}''')

add("stowage::ingress::duplicate-route", """
The same host and path routed twice, in one ingress or across the ingresses of an environment.""", '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
}

service "api" {
    image "api" tag="1.0.0"
    port "http" 8080
}

ingress "web" {
    route "web" host="shop.example.com" service="web"
    route "api" host="shop.example.com" service="api"
}''', '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
}

service "api" {
    image "api" tag="1.0.0"
    port "http" 8080
}

ingress "web" {
    route "web" host="shop.example.com" service="web"
    route "api" host="shop.example.com" path="/api" service="api"
}''')

add("stowage::ingress::tls", """
A `tls` node that says neither where the certificate comes from (`issuer=`, for cert-manager)
nor where it is (`secret=`).""", '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
}

ingress "web" {
    tls
    route "web" host="shop.example.com" service="web"
}''', '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
}

ingress "web" {
    tls issuer="letsencrypt-prod"
    route "web" host="shop.example.com" service="web"
}''')

# ------------------------------------------------------------------ environments, versions
add("stowage::env::namespace", """
Neither the app nor an environment says which namespace to deploy to. Give the app a `namespace`,
or each environment its own.""", '''
app "shop"

environment "staging" {
    policy "staging"
}''', '''
app "shop"

environment "staging" {
    policy "staging"
    namespace "shop-staging"
}''', wrap="none_frag")

add("stowage::version::unsupported", """
`kubernetes` names a version stowage does not support (it supports 1.25 to 1.37).""", '''
    kubernetes "1.21"''', '''
    kubernetes "1.33"''', wrap="app")

add("stowage::version::invalid", """
`kubernetes` is not a Kubernetes version: write `MAJOR.MINOR`, such as `"1.33"`.""", '''
    kubernetes "latest"''', '''
    kubernetes "1.33"''', wrap="app")

# ------------------------------------------------------------------ policies
add("stowage::policy::replicas", """
A `service`, `worker` or `stateful` runs fewer than 2 replicas (its `replicas`, or its
`autoscale min`) in an environment whose policy checks the `replicas` rule (production). Raise the
count, or waive the rule with a reason.""", '''
worker "mailer" {
    image "mailer" tag="2.3.1"
''' + GOOD_WORKER_BODY + '''
}

environment "production"''', '''
worker "mailer" {
    image "mailer" tag="2.3.1"
''' + GOOD_WORKER_BODY + '''
    replicas 2
}

environment "production"''')

add("stowage::policy::resources", """
A workload lacks a cpu or memory request or limit in an environment whose policy checks the
`resources` rule (production, staging). The message lists the missing values.""", '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    resources {
        requests cpu="100m" memory="128Mi"
    }
    liveness "mailer" "--check"
    readiness "mailer" "--check"
}

environment "staging" {
    policy "staging"
}''', '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    resources {
        requests cpu="100m" memory="128Mi"
        limits cpu="250m" memory="256Mi"
    }
    liveness "mailer" "--check"
    readiness "mailer" "--check"
}

environment "staging" {
    policy "staging"
}''')

add("stowage::policy::probes", """
A `service`, `worker` or `stateful` has no liveness or no readiness probe in an environment whose
policy checks the `probes` rule (production, staging).""", '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    resources {
        requests cpu="100m" memory="128Mi"
        limits cpu="250m" memory="256Mi"
    }
}

environment "staging" {
    policy "staging"
}''', '''
worker "mailer" {
    image "mailer" tag="2.3.1"
''' + GOOD_WORKER_BODY + '''
}

environment "staging" {
    policy "staging"
}''')

add("stowage::policy::security", """
A workload weakens the secure defaults (`non-root=#false`, `read-only-root=#false`,
`privilege-escalation=#true`, `user=0`, a capability other than `NET_BIND_SERVICE`). An error in
production and staging, a warning in dev.""", '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    security read-only-root=#false
}

environment "dev" {
    policy "dev"
}''', '''
worker "mailer" {
    image "mailer" tag="2.3.1"
    volume "spool" mount="/var/spool/mail" empty-dir=#true
}

environment "dev" {
    policy "dev"
}''')

add("stowage::policy::image-tag", """
An image without a tag or digest, or tagged `latest`, in an environment whose policy checks the
`image-tag` rule: an error in production, a warning in staging.""", '''
worker "mailer" {
    image "mailer" tag="latest"
''' + GOOD_WORKER_BODY + '''
    replicas 2
}

environment "production"''', '''
worker "mailer" {
    image "mailer" tag="2.3.1"
''' + GOOD_WORKER_BODY + '''
    replicas 2
}

environment "production"''')

add("stowage::policy::tls", """
An ingress with routes has no `tls` in an environment whose policy checks the `tls` rule
(production, staging).""", '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    resources {
        requests cpu="100m" memory="128Mi"
        limits cpu="250m" memory="256Mi"
    }
    liveness http="/health" port="http"
    readiness http="/ready" port="http"
}

ingress "web" {
    route "web" host="shop.example.com" service="web"
}

environment "staging" {
    policy "staging"
}''', '''
service "web" {
    image "web" tag="1.0.0"
    port "http" 8080
    resources {
        requests cpu="100m" memory="128Mi"
        limits cpu="250m" memory="256Mi"
    }
    liveness http="/health" port="http"
    readiness http="/ready" port="http"
}

ingress "web" {
    tls issuer="letsencrypt-staging"
    route "web" host="shop.example.com" service="web"
}

environment "staging" {
    policy "staging"
}''')

add("stowage::policy::waiver", """
A `waive` that names no rule (the rules are `replicas`, `resources`, `probes`, `security`,
`image-tag`, `tls`), or gives no `reason=`, or an empty one. A waiver without a reason waives
nothing.""", '''
stateful "db" {
    image "docker.io/library/postgres" tag="16.4-alpine"
    port "postgres" 5432
    waive "replica" reason="single primary"
}''', '''
stateful "db" {
    image "docker.io/library/postgres" tag="16.4-alpine"
    port "postgres" 5432
    waive "replicas" reason="single primary"
}''')

# ------------------------------------------------------------------ pipeline (in progress)
add("stowage::pipeline::secret-name", """
A CI secret name in the `pipeline` (a deploy's `credentials=`, `slack secret=`, a test variable's
`secret=`) that CI systems would not accept: upper-case letters, digits and `_`, not starting with
a digit or `GITHUB_`.""", '''
environment "production"

pipeline {
    deploy "production" on="tag:v*" credentials="prod-kubeconfig"
}''', '''
environment "production"

pipeline {
    deploy "production" on="tag:v*" credentials="PROD_KUBECONFIG"
}''', group="pipeline", pending=True)

add("stowage::pipeline::order", """
Deploys that wait for each other in a loop through `after=`, or a deploy that waits for
itself.""", '''
environment "staging" {
    policy "staging"
}

pipeline {
    deploy "staging" on="branch:main" after="staging" credentials="STAGING_KUBECONFIG"
}''', '''
environment "staging" {
    policy "staging"
}

pipeline {
    deploy "staging" on="branch:main" credentials="STAGING_KUBECONFIG"
}''', group="pipeline", pending=True)

add("stowage::pipeline::production-gate", """
A deploy to an environment with policy `production` that runs on every push to a branch. Deploy
production from tags (`on="tag:v*"`), by hand (`on="manual"`), or with `approval=#true`.""", '''
environment "production"

pipeline {
    deploy "production" on="branch:main" credentials="PROD_KUBECONFIG"
}''', '''
environment "production"

pipeline {
    deploy "production" on="tag:v*" credentials="PROD_KUBECONFIG"
}''', group="pipeline", pending=True)

add("stowage::pipeline::env", """
A variable of the pipeline's `test` stage that reads a config or a pod field: in CI, variables
take a literal value or a CI secret (`secret=`).""", '''
pipeline {
    test {
        env {
            POD_NAME field="metadata.name"
        }
        run "Unit tests" "npm test"
    }
}''', '''
pipeline {
    test {
        env {
            POD_NAME "test-runner"
        }
        run "Unit tests" "npm test"
    }
}''', group="pipeline", pending=True)

add("stowage::ref::deploy", """
A deploy's `after=` names no deploy of the pipeline.""", '''
environment "staging" {
    policy "staging"
}

environment "production"

pipeline {
    deploy "staging" on="branch:main" credentials="STAGING_KUBECONFIG"
    deploy "production" on="tag:v*" after="stagin" credentials="PROD_KUBECONFIG"
}''', '''
environment "staging" {
    policy "staging"
}

environment "production"

pipeline {
    deploy "staging" on="branch:main" credentials="STAGING_KUBECONFIG"
    deploy "production" on="tag:v*" after="staging" credentials="PROD_KUBECONFIG"
}''', group="pipeline", pending=True)

add("stowage::ref::environment", """
A pipeline `deploy` names an environment the spec does not declare.""", '''
environment "production"

pipeline {
    deploy "prod" on="tag:v*" credentials="PROD_KUBECONFIG"
}''', '''
environment "production"

pipeline {
    deploy "production" on="tag:v*" credentials="PROD_KUBECONFIG"
}''', group="pipeline", pending=True)

add("stowage::ref::image", """
A pipeline `build` names an image that no workload uses. Builds are named after a workload's
`image`.""", '''
worker "mailer" {
    image "shop-mailer" tag="2.3.1"
}

pipeline {
    build "mailer" dockerfile="Dockerfile"
}''', '''
worker "mailer" {
    image "shop-mailer" tag="2.3.1"
}

pipeline {
    build "shop-mailer" dockerfile="Dockerfile"
}''', group="pipeline", pending=True)

add("stowage::value::duration", """
A deploy `timeout=` that is not a whole number followed by `s`, `m` or `h`.""", '''
environment "staging" {
    policy "staging"
}

pipeline {
    deploy "staging" on="branch:main" credentials="STAGING_KUBECONFIG" timeout="10 minutes"
}''', '''
environment "staging" {
    policy "staging"
}

pipeline {
    deploy "staging" on="branch:main" credentials="STAGING_KUBECONFIG" timeout="10m"
}''', group="pipeline", pending=True)
