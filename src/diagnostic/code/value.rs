//! `stowage::value::*`: values. Each code's doc comment is its section of the book's
//! diagnostics page (book/src/diagnostics.md, generated from these files).

super::codes! {
    title: "Values",
    intro: "A value Kubernetes would reject or that cannot work.",
    /// A number out of its range: negative `replicas`, a probe timing of 0 or less (`delay` may be 0), a
    /// negative `disruption` or `rollout` value, an integer too large for stowage.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     replicas -1
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::value::range]: -1 replicas is out of range
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     replicas 1
    /// }
    /// ```
    RANGE = "stowage::value::range", Error;
    /// A port number outside 1-65535: a `port` number, a `service-port=`, or a probe's port number.
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 80800
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::value::port]: port 80800 is out of range
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    /// }
    /// ```
    PORT = "stowage::value::port", Error;
    /// Two ports of one workload use the same number and protocol.
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     port "metrics" 8080
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::value::duplicate-port]: port number 8080 is used twice
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     port "metrics" 9464
    /// }
    /// ```
    DUPLICATE_PORT = "stowage::value::duplicate-port", Error;
    /// A cpu or memory request larger than its limit, which Kubernetes rejects.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     resources {
    ///         requests memory="1Gi"
    ///         limits memory="512Mi"
    ///     }
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::value::requests-above-limits]: memory request 1Gi is above its limit 512Mi
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     resources {
    ///         requests memory="512Mi"
    ///         limits memory="1Gi"
    ///     }
    /// }
    /// ```
    REQUESTS_ABOVE_LIMITS = "stowage::value::requests-above-limits", Error;
    /// A resource quantity (`resources`, a volume's `size=`, a storage `size=`) that is not a Kubernetes
    /// quantity, or uses the wrong unit: `"512mi"` (did you mean `"512Mi"`?), memory in `m`
    /// (thousandths of a byte), CPU in `Mi`/`Gi`.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     resources {
    ///         requests memory="512mi"
    ///     }
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::value::quantity]: `512mi` is not a quantity: unknown suffix `mi`
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     resources {
    ///         requests memory="512Mi"
    ///     }
    /// }
    /// ```
    QUANTITY = "stowage::value::quantity", Error;
    /// A path that must be absolute is not: an http probe path, a volume's `mount=`, a route's
    /// `path=`.
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     readiness http="ready" port="http"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::value::path]: probe path `ready` must start with '/'
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     readiness http="/ready" port="http"
    /// }
    /// ```
    PATH = "stowage::value::path", Error;
    /// Two volumes (or a volume and a `storage`) of one workload are mounted at the same path.
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     volume "tmp" mount="/tmp" empty-dir=#true
    ///     volume "spool" mount="/tmp" empty-dir=#true
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::value::mount]: two volumes are mounted at `/tmp`
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     volume "tmp" mount="/tmp" empty-dir=#true
    ///     volume "spool" mount="/var/spool/mail" empty-dir=#true
    /// }
    /// ```
    MOUNT = "stowage::value::mount", Error;
    /// An `autoscale` that cannot work: `min` below 1, `max` below `min`, a target outside 1-100, no
    /// target at all, or a `cpu=`/`memory=` target without the matching request in `resources`
    /// (utilisation is measured against the request).
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     autoscale min=2 max=10 cpu=70
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::value::autoscale]: autoscaling on cpu needs a cpu request
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     resources {
    ///         requests cpu="100m" memory="128Mi"
    ///     }
    ///     autoscale min=2 max=10 cpu=70
    /// }
    /// ```
    AUTOSCALE = "stowage::value::autoscale", Error;
    /// A queue trigger of `autoscale` that KEDA cannot use: a list length `target=` below 1, an
    /// `address=` that is not `HOST:PORT`, a `password-key=` without the `password-secret=` that holds
    /// it (or the other way round), or lists of one workload with different passwords (they share one
    /// TriggerAuthentication).
    ///
    /// ```kdl,fragment
    /// worker "jobs" {
    ///     image "jobs" tag="1.4.2"
    ///     autoscale min=2 max=10 {
    ///         redis-list "bull:jobs:wait" address="redis" target=0
    ///     }
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::value::redis-list]: `redis` is not a Redis address
    /// error[stowage::value::redis-list]: list length target 0 is below 1
    /// ```
    ///
    /// Fix: the KEDA operator connects from its own namespace, so give the full Service name and port,
    /// and the number of waiting items one replica should handle:
    ///
    /// ```kdl,fragment
    /// worker "jobs" {
    ///     image "jobs" tag="1.4.2"
    ///     autoscale min=2 max=10 {
    ///         redis-list "bull:jobs:wait" address="redis.shop.svc:6379" target=20
    ///     }
    /// }
    /// ```
    REDIS_LIST = "stowage::value::redis-list", Error;
    /// A `disruption` with both `min-available=` and `max-unavailable=`, or with neither.
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     replicas 3
    ///     disruption min-available=2 max-unavailable=1
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::value::disruption]: `disruption` takes one of min-available and max-unavailable
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     replicas 3
    ///     disruption max-unavailable=1
    /// }
    /// ```
    DISRUPTION = "stowage::value::disruption", Error;
    /// A string where an integer or a percentage is expected (`disruption`, `rollout`) that is not
    /// `"N%"` with N from 0 to 100.
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     rollout max-surge="half"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::value::percentage]: `half` is not a percentage
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// service "web" {
    ///     image "web" tag="1.0.0"
    ///     port "http" 8080
    ///     rollout max-surge="50%"
    /// }
    /// ```
    PERCENTAGE = "stowage::value::percentage", Error;
    /// An `egress` block that is not `ADDRESS/BITS` (IPv4 with at most 32 bits, IPv6 with at most 128).
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     egress "203.0.113.25" port=587
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::value::cidr]: `203.0.113.25` is not a CIDR block
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// worker "mailer" {
    ///     image "mailer" tag="2.3.1"
    ///     egress "203.0.113.25/32" port=587
    /// }
    /// ```
    CIDR = "stowage::value::cidr", Error;
    /// A cronjob `schedule` that is not five valid fields (minute, hour, day of month, month, day of
    /// week) or one of the `@daily`-style macros.
    ///
    /// ```kdl,fragment
    /// cronjob "backup" {
    ///     image "backup" tag="1.0.0"
    ///     schedule "0 2 * *"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::value::cron]: `0 2 * *` is not a cron schedule
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// cronjob "backup" {
    ///     image "backup" tag="1.0.0"
    ///     schedule "0 2 * * *"
    /// }
    /// ```
    CRON = "stowage::value::cron", Error;
    /// A cronjob's `timezone` that is not a name of the IANA time zone database, written as the
    /// database writes it (`Etc/UTC`, `Europe/Berlin`, `America/Argentina/Buenos_Aires`; `Local` is
    /// refused by Kubernetes). stowage looks it up in the copy of the database built into it, so the
    /// answer does not depend on the machine; an offset (`+01:00`) is not a time zone name.
    ///
    /// ```kdl,fragment
    /// cronjob "backup" {
    ///     image "backup" tag="1.0.0"
    ///     schedule "0 2 * * *"
    ///     timezone "Mars/Olympus"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::value::timezone]: `Mars/Olympus` is not a time zone name
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// cronjob "backup" {
    ///     image "backup" tag="1.0.0"
    ///     schedule "0 2 * * *"
    ///     timezone "Europe/Paris"
    /// }
    /// ```
    TIMEZONE = "stowage::value::timezone", Error;
    /// A string holding a character that the YAML tools every output goes through would change or
    /// refuse: a control character other than tab and line breaks, the line separators NEXT LINE
    /// (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029), a byte order mark (U+FEFF),
    /// or the noncharacters U+FFFE and U+FFFF. kubectl, kustomize and Helm read YAML 1.1, where the
    /// separators are line breaks (the cluster would get other text) and control characters are not
    /// allowed (the deploy would fail). The same holds for the files configs read. Written as escapes
    /// (`"\u{2028}"`) they are refused too: the text is what counts, not how it is written. A probe's
    /// `header` value is one line: no control character but tab.
    ///
    /// ```kdl,fragment
    /// config "settings" {
    ///     data GREETING="hello\u{2028}world"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::value::character]: this string holds LINE SEPARATOR (U+2028)
    /// ```
    ///
    /// Fix: a line break is `\n`.
    ///
    /// ```kdl,fragment
    /// config "settings" {
    ///     data GREETING="hello\nworld"
    /// }
    /// ```
    CHARACTER = "stowage::value::character", Error;
    /// A deploy `timeout=` that is not a whole number followed by `s`, `m` or `h`.
    ///
    /// ```kdl,fragment
    /// environment "staging" {
    ///     policy "staging"
    /// }
    ///
    /// pipeline {
    ///     deploy "staging" on="branch:main" credentials="STAGING_KUBECONFIG" timeout="10 minutes"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::value::duration]: `10 minutes` is not a duration
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// environment "staging" {
    ///     policy "staging"
    /// }
    ///
    /// pipeline {
    ///     deploy "staging" on="branch:main" credentials="STAGING_KUBECONFIG" timeout="10m"
    /// }
    /// ```
    DURATION = "stowage::value::duration", Error;
}
