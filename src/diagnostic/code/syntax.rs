//! `stowage::syntax::*`: syntax. Each code's doc comment is its section of the book's
//! diagnostics page (book/src/diagnostics.md, generated from these files).

super::codes! {
    title: "Syntax",
    intro: "The spec is not of the language's shape. Reported while reading the file, before anything is checked.",
    /// The file is not valid KDL 2.0, so nothing else can be checked. The message says what is wrong
    /// where, and the help what to write instead; the first error is reported. Common causes: a `{` or a string that is never closed, KDL 1 booleans (`true` instead of
    /// `#true`), a node name KDL does not accept without quotes (an environment variable starting with
    /// a digit: quote it, `"2FA_ISSUER" "acme"`), a path or URL value without quotes, commas between
    /// properties.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     volume "tmp" mount="/tmp" empty-dir=true
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::syntax::kdl]: `true` without `#` is not a value in KDL 2.0: write `#true`, or quote it (`"true"`) for the string
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     volume "tmp" mount="/tmp" empty-dir=#true
    /// }
    /// ```
    KDL = "stowage::syntax::kdl", Error;
    /// The file contains a character that KDL forbids anywhere in a document, comments and strings
    /// included: a bidirectional control character (U+200E, U+200F, U+202A to U+202E, U+2066 to
    /// U+2069), a control character other than tab and the line breaks (U+0000 to U+0008, U+000E to
    /// U+001F, U+007F, and U+0080 to U+009F except U+0085), or a byte order mark (U+FEFF) anywhere but
    /// at the very start. Such characters are invisible or reorder the text on screen, so a spec could
    /// read differently in a review from what it is. They are looked for before the file is parsed; the
    /// first ten are reported, each with its code point, and nothing else is checked.
    ///
    /// This command writes a spec whose comment holds a U+202E RIGHT-TO-LEFT OVERRIDE (the bytes
    /// `\342\200\256`):
    ///
    /// ```sh
    /// printf 'app "shop" {\n    namespace "shop" // \342\200\256 owned by ops\n}\n' > stowage.kdl
    /// ```
    ///
    /// It gives
    ///
    /// ```text
    /// error[stowage::syntax::forbidden-character]: the spec contains U+202E RIGHT-TO-LEFT OVERRIDE, a bidirectional control character: `\u{202e}`
    /// ```
    ///
    /// Fix: delete the character (the message gives its line and column). To put one in a string on
    /// purpose, write it as an escape:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     env {
    ///         GREETING "hello \u{202E}"
    ///     }
    /// }
    /// ```
    FORBIDDEN_CHARACTER = "stowage::syntax::forbidden-character", Error;
    /// The file's `{ }` blocks nest more than 64 levels deep: deeper than any spec does (a spec needs
    /// about four: environment, service, `env`), and how garbage input would make the parser recurse
    /// without end.
    ///
    /// Braces inside strings and comments do not count. This command writes a spec
    /// whose blocks are nested 65 levels deep:
    ///
    /// ```sh
    /// { printf 'app "shop" '; printf '{ a %.0s' $(seq 65); printf '}%.0s' $(seq 65); echo; } > stowage.kdl
    /// ```
    ///
    /// It gives
    ///
    /// ```text
    /// error[stowage::syntax::too-deep]: blocks are nested more than 64 levels deep
    /// ```
    ///
    /// Fix: check that the file is the spec. A generated spec should be written with nodes next to
    /// each other, not inside each other; comment out a region with `//` lines, or a node with one
    /// `/-`.
    TOO_DEEP = "stowage::syntax::too-deep", Error;
    /// The spec is larger than stowage reads, one of:
    ///
    /// - more than 5000 top-level nodes (workloads, configs, secrets, ingresses, environments, ...):
    ///   one spec describes one application;
    /// - a spec longer than 4 MiB (a thousand services take about 2 MB). From the command line, a file
    ///   this large is refused before it is read, with exit code 2 (`error: stowage.kdl is larger than
    ///   4 MiB: ...`); a version read from git (`stowage diff git:REV`) gets this diagnostic.
    ///
    /// This command writes a spec of 5001 top-level nodes:
    ///
    /// ```sh
    /// yes 'worker "w" {}' | head -n 5001 > stowage.kdl
    /// ```
    ///
    /// It gives
    ///
    /// ```text
    /// error[stowage::syntax::too-large]: a spec has at most 5000 top-level nodes; this is node 5001
    /// ```
    ///
    /// Fix: check that the file is the spec. A system larger than this is several applications: give
    /// each its own spec.
    TOO_LARGE = "stowage::syntax::too-large", Error;
    /// The spec has no `app` node. Every spec describes one app and starts with it.
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::syntax::missing-app]: the spec has no `app` node
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl
    /// app "shop" {
    ///     namespace "shop"
    /// }
    ///
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    /// }
    /// ```
    MISSING_APP = "stowage::syntax::missing-app", Error;
    /// A node that is not part of the language where it is: an unknown top-level node, or a child that
    /// its parent does not take. The help suggests the closest valid name, or lists the valid ones.
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     replica 3
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::syntax::unknown-node]: unknown node `replica` in a service
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     replicas 3
    /// }
    /// ```
    UNKNOWN_NODE = "stowage::syntax::unknown-node", Error;
    /// A property the node does not take. The help suggests the closest valid property, or lists them.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" version="2.3.1"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::syntax::unknown-property]: unknown property `version` on `image`
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    /// }
    /// ```
    UNKNOWN_PROPERTY = "stowage::syntax::unknown-property", Error;
    /// The same property twice on one node. KDL would keep the last one silently; stowage asks you to
    /// keep one.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1" tag="2.4.0"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::syntax::duplicate-property]: property `tag` is given twice
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.4.0"
    /// }
    /// ```
    DUPLICATE_PROPERTY = "stowage::syntax::duplicate-property", Error;
    /// A node that may appear once is given twice in the same parent: a second `env`, `resources`,
    /// `reach`, `replicas`, ..., or a second `app`. Named nodes (`port`, `volume`, `env-from`, ...) may
    /// repeat, one per name.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     env { LOG_LEVEL "info"; }
    ///     env { LOG_FORMAT "json"; }
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::syntax::duplicate-node]: `env` is given twice in a worker
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     env {
    ///         LOG_LEVEL "info"
    ///         LOG_FORMAT "json"
    ///     }
    /// }
    /// ```
    DUPLICATE_NODE = "stowage::syntax::duplicate-node", Error;
    /// A child that another kind of workload takes, but not this one: `storage` outside a `stateful`,
    /// `schedule` outside a `cronjob`, `autoscale` or `rollout` in a `stateful`, `port` or probes in a
    /// `cronjob`. Declare the workload with the kind that supports it, or remove the node.
    ///
    /// ```kdl,fragment
    /// service "db" {
    ///     image "docker.io/library/postgres" tag="16.4-alpine"
    ///     port "postgres" 5432
    ///     storage "data" mount="/var/lib/postgresql/data" size="10Gi"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::syntax::misplaced-node]: `storage` is not allowed in a service
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// stateful "db" {
    ///     image "docker.io/library/postgres" tag="16.4-alpine"
    ///     port "postgres" 5432
    ///     storage "data" mount="/var/lib/postgresql/data" size="10Gi"
    /// }
    /// ```
    MISPLACED_NODE = "stowage::syntax::misplaced-node", Error;
    /// A node has more arguments than it takes (`replicas 2 3`, a third value on `port`), or a node that
    /// takes only properties (`labels`, `annotations`, `node-selector`, `data`) has an argument.
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080 80
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::syntax::extra-argument]: `port` takes at most 2 arguments
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080 service-port=80
    /// }
    /// ```
    EXTRA_ARGUMENT = "stowage::syntax::extra-argument", Error;
    /// A node lacks an argument it needs: a name (`service { }`), a value (`replicas`), a port's number,
    /// an environment variable's value, a target for `reach`.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     replicas
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::syntax::missing-argument]: `replicas` needs a value
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     replicas 2
    /// }
    /// ```
    MISSING_ARGUMENT = "stowage::syntax::missing-argument", Error;
    /// A node lacks a property it needs: `port=` on an http probe, `max=` on `autoscale`, `mount=` on a
    /// volume, `mount=` and `size=` on `storage`, `host=` and `service=` on a route.
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     liveness http="/health"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::syntax::missing-property]: an http probe needs a port
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     liveness http="/health" port="http"
    /// }
    /// ```
    MISSING_PROPERTY = "stowage::syntax::missing-property", Error;
    /// A value of the wrong type: a string where an integer is expected (`replicas "3"`), an integer
    /// where a string is expected (`image 42`), a non-boolean `enabled=`. The help says how to write
    /// it.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     replicas "3"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::syntax::type]: `replicas` must be an integer, found a string
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     replicas 3
    /// }
    /// ```
    TYPE = "stowage::syntax::type", Error;
    /// A value outside its fixed set: a secret source, `spread`, `anti-affinity`, `expose`, a port
    /// `protocol=`, `pull=`, `concurrency`, `restart`, a route's `path-type=`, `issuer-kind=`,
    /// `store-kind=`, an env `field=`, a policy rule's kind, its `severity=`, the level a policy
    /// `extends=`. The help suggests the closest valid value and lists them all.
    ///
    /// ```kdl,fragment
    /// policy "acme-production" extends="prod" {
    ///     rule "image-digest"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::syntax::invalid-value]: `prod` is not a policy level
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// policy "acme-production" extends="production" {
    ///     rule "image-digest"
    /// }
    /// ```
    INVALID_VALUE = "stowage::syntax::invalid-value", Error;
    /// A probe (`liveness`, `readiness`, `startup`) that says nothing to check, or more than one check.
    /// A probe is exactly one of `http=` (with `port=`), `tcp=`, `grpc=`, or a command as arguments.
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     liveness tcp="http" http="/health" port="http"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::syntax::probe]: probe `liveness` has more than one check
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     liveness http="/health" port="http"
    /// }
    /// ```
    PROBE = "stowage::syntax::probe", Error;
    /// A `pre-stop` hook that says nothing to do, or more than one thing. A hook is exactly one of
    /// a command as arguments, `sleep=` (seconds), or `http=` with `port=`.
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     pre-stop "sleep" "5" sleep=5
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::syntax::hook]: `pre-stop` does more than one thing
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     pre-stop sleep=5
    /// }
    /// ```
    HOOK = "stowage::syntax::hook", Error;
    /// A `volume` with no source, or with more than one. Give exactly one of `empty-dir=#true`,
    /// `config="NAME"`, `secret="NAME"` or `claim="NAME"`.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     volume "tmp" mount="/tmp"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::syntax::volume-source]: volume `tmp` has no source
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     volume "tmp" mount="/tmp" empty-dir=#true
    /// }
    /// ```
    VOLUME_SOURCE = "stowage::syntax::volume-source", Error;
    /// An environment variable with more than one source. A variable takes exactly one of: a value
    /// (`LOG_LEVEL "info"`), `secret=` (with `key=`), `config=` (with `key=`) or `field=` (a pod field
    /// such as `metadata.name`).
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     env {
    ///         SMTP_PASSWORD "hunter2" secret="smtp" key="password"
    ///     }
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::syntax::env-source]: variable `SMTP_PASSWORD` has more than one source
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// secret "smtp" {
    ///     key "password"
    /// }
    ///
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     env {
    ///         SMTP_PASSWORD secret="smtp" key="password"
    ///     }
    /// }
    /// ```
    ENV_SOURCE = "stowage::syntax::env-source", Error;
    /// A property the node takes, but not in the way it is used, so it would do nothing: `key=` on an
    /// environment variable that reads no secret or config, `port=` on a `tcp=` or `grpc=` probe
    /// (which name their port themselves), `size=` or `memory=` on a volume that is not an
    /// `empty-dir`.
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     liveness tcp="http" port="http"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::syntax::unused-property]: a tcp probe names its port in tcp=
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     liveness tcp="http"
    /// }
    /// ```
    UNUSED_PROPERTY = "stowage::syntax::unused-property", Error;
    /// A node that takes properties (`labels`, `annotations`, `node-selector`, `data`) is written with
    /// child nodes. Write the pairs as properties; quote keys that contain `/` or `:`.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     labels {
    ///         team "mail"
    ///     }
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::syntax::unexpected-children]: `labels` takes properties, not child nodes
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     labels team="mail"
    /// }
    /// ```
    UNEXPECTED_CHILDREN = "stowage::syntax::unexpected-children", Error;
}
