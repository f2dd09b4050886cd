//! `stowage::pipeline::*`: pipeline. Each code's doc comment is its section of the book's
//! diagnostics page (book/src/diagnostics.md, generated from these files).

super::codes! {
    title: "Pipeline",
    intro: "The `pipeline` node: how CI tests, builds and deploys the app (reference: `spec/pipeline.md`).",
    /// A CI secret name in the `pipeline` (a deploy's `credentials=`, `slack secret=`, a test variable's
    /// `secret=`) that CI systems would not accept: upper-case letters, digits and `_`, not starting with
    /// a digit or `GITHUB_`.
    ///
    /// ```kdl,fragment
    /// environment "production"
    ///
    /// pipeline {
    ///     deploy "production" on="tag:v*" credentials="prod-kubeconfig"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::pipeline::secret-name]: `prod-kubeconfig` is not a usable CI secret name
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// environment "production"
    ///
    /// pipeline {
    ///     deploy "production" on="tag:v*" credentials="PROD_KUBECONFIG"
    /// }
    /// ```
    SECRET_NAME = "stowage::pipeline::secret-name", Error;
    /// A branch or tag name in the `pipeline` (`branches`, a deploy's `on="branch:..."` or
    /// `on="tag:..."`) that git would not accept, or that holds characters outside letters, digits,
    /// `.`, `_`, `-`, `+` and `/`. `*` stands for any characters (`/` included): `release/*`,
    /// `v*.*.*`. stowage writes every CI condition from the parsed name (a GitLab regular expression,
    /// GitHub filters and conditions), so no quote or expression in the spec can change what a
    /// pipeline does.
    ///
    /// ```kdl,fragment
    /// environment "production"
    ///
    /// pipeline {
    ///     deploy "production" on="tag:v')||(github.event_name!='x" credentials="PROD_KUBECONFIG"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::pipeline::ref]: `v')||(github.event_name!='x` is not a tag name: `'` cannot be part of a branch or tag name here (use letters, digits, `.`, `_`, `-`, `+`, `/`, and `*` for any characters)
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// environment "production"
    ///
    /// pipeline {
    ///     deploy "production" on="tag:v*.*.*" credentials="PROD_KUBECONFIG"
    /// }
    /// ```
    REF = "stowage::pipeline::ref", Error;
    /// A value the CI files take as it is written, in a place where the platforms give characters a
    /// meaning: a toolchain `version=` or `cache=`, a service container's `image=`, a `report` path, a
    /// build's `context=`, `dockerfile=` or `target=`, a deploy's `url=`. GitLab expands `$VARIABLES`
    /// in images and paths, GitHub evaluates `${{ }}`, and a space splits a value into two. These take
    /// letters, digits and `._-/:@+` (paths also `*`, URLs also `?&=%#~`). Commands (`run`, `smoke=`,
    /// `before=`, `health=`) are shell commands and are written as given.
    ///
    /// ```kdl,fragment
    /// pipeline {
    ///     test {
    ///         setup "node" version="20 $(id)"
    ///         run "Unit tests" "npm test"
    ///     }
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::pipeline::value]: `20 $(id)` is not a usable version: ` ` cannot be part of it
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// pipeline {
    ///     test {
    ///         setup "node" version="20"
    ///         run "Unit tests" "npm test"
    ///     }
    /// }
    /// ```
    VALUE = "stowage::pipeline::value", Error;
    /// Deploys that wait for each other in a loop through `after=`, or a deploy that waits for
    /// itself.
    ///
    /// ```kdl,fragment
    /// environment "staging" {
    ///     policy "staging"
    /// }
    ///
    /// pipeline {
    ///     deploy "staging" on="branch:main" after="staging" credentials="STAGING_KUBECONFIG"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::pipeline::order]: deploy `staging` waits for itself
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
    ///     deploy "staging" on="branch:main" credentials="STAGING_KUBECONFIG"
    /// }
    /// ```
    ORDER = "stowage::pipeline::order", Error;
    /// A deploy to an environment with policy `production` that runs on every push to a branch. Deploy
    /// production from tags (`on="tag:v*"`), by hand (`on="manual"`), or with `approval=#true`.
    ///
    /// ```kdl,fragment
    /// environment "production"
    ///
    /// pipeline {
    ///     deploy "production" on="branch:main" credentials="PROD_KUBECONFIG"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::pipeline::production-gate]: production deploy `production` runs on every push
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// environment "production"
    ///
    /// pipeline {
    ///     deploy "production" on="tag:v*" credentials="PROD_KUBECONFIG"
    /// }
    /// ```
    PRODUCTION_GATE = "stowage::pipeline::production-gate", Error;
    /// A variable of the pipeline's `test` stage that reads a config or a pod field: in CI, variables
    /// take a literal value or a CI secret (`secret=`).
    ///
    /// ```kdl,fragment
    /// pipeline {
    ///     test {
    ///         env {
    ///             POD_NAME field="metadata.name"
    ///         }
    ///         run "Unit tests" "npm test"
    ///     }
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::pipeline::env]: test environment variables take a value or a CI secret
    /// ```
    ///
    /// Fix:
    ///
    /// ```kdl,fragment
    /// pipeline {
    ///     test {
    ///         env {
    ///             POD_NAME "test-runner"
    ///         }
    ///         run "Unit tests" "npm test"
    ///     }
    /// }
    /// ```
    ENV = "stowage::pipeline::env", Error;
    /// A pipeline's `stowage` (where CI gets stowage) cannot be verified: none or several of
    /// `crate=`, `git=`, `binary=`, `image=`; a crate version that is not exact; a git source
    /// without a 40-digit commit; a binary without its SHA-256 or not over https:// (or file://);
    /// an image not pinned by digest.
    ///
    /// ```kdl,fragment
    /// pipeline {
    ///     stowage git="https://github.com/acme/stowage" rev="main"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::pipeline::install]: `main` is not the commit to build (40 hex digits)
    /// ```
    ///
    /// Fix: `stowage git="https://github.com/acme/stowage" rev="5f1c0e2a..."` (the full commit).
    INSTALL = "stowage::pipeline::install", Error;
    /// The spec is outside the repository its output is written to (the git work tree holding
    /// the output folder, or the output folder itself outside any): the generated jobs, which
    /// start at the repository root, could not read it.
    ///
    /// ```text
    /// stowage build -f ../specs/stowage.kdl -o .
    /// error[stowage::pipeline::outside]: the spec is outside the repository of its output folder: CI cannot read it
    /// ```
    ///
    /// Fix: keep the spec in the repository, or build into the repository that holds it.
    OUTSIDE = "stowage::pipeline::outside", Error;
    /// The output folder is not the repository root, so `.github/workflows/` and
    /// `.gitlab-ci.yml` are written where GitHub and GitLab do not read them. The jobs still find
    /// the spec and the output from the root. A warning.
    ///
    /// ```text
    /// stowage build -o deploy-config
    /// warning[stowage::pipeline::root]: the pipeline files are written to deploy-config/, not to the repository root
    /// ```
    ///
    /// Fix: build with `-o` the repository root.
    ROOT = "stowage::pipeline::root", Warning;
    /// The pipeline asks for something one of its platforms cannot do, which would otherwise be
    /// dropped there: a second `setup` in the test job when the pipeline targets GitLab, which
    /// runs a job in one image.
    ///
    /// ```kdl,fragment
    /// pipeline {
    ///     platforms "github" "gitlab"
    ///     test {
    ///         setup "node" version="20"
    ///         setup "python" version="3.12"
    ///     }
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::pipeline::platform]: GitLab runs the test job in one image, `node`'s: `python` cannot be set up beside it
    /// ```
    ///
    /// Fix: one `setup`, and the other toolchain installed by a `run`.
    PLATFORM = "stowage::pipeline::platform", Error;
    /// A job of the pipeline cannot be placed as written: its name is not a job id or is the id
    /// of a job stowage makes (`drift`, `diff`, `plan`, `build`, `scan`, `deploy-ENV`,
    /// `NAME-rollback`); it waits for an unknown job, for itself, for a job that runs later,
    /// or in a loop; a job at the end (`when="on-failure"` or `"always"`) is given a place;
    /// a monitor (`window=`) or `rollback=#true` follows no deploy; a job has both `image=`
    /// and a `setup`.
    ///
    /// ```kdl,fragment
    /// pipeline {
    ///     job "lint" {
    ///         needs "e2e"
    ///         run "lint" "npm run lint"
    ///     }
    ///     job "e2e" after="staging" { run "e2e" "npx playwright test"; }
    ///     deploy "staging" on="branch:main" credentials="STAGING_KUBECONFIG"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::pipeline::job]: job `lint` runs before `e2e` could: it cannot wait for it
    /// ```
    ///
    /// Fix: wait only for the tests, the jobs beside them, the jobs after the builds and the
    /// jobs after the job's own deploy.
    JOB = "stowage::pipeline::job", Error;
    /// A deploy of an environment Argo CD or Flux delivers is given what acts on the cluster
    /// from the job (`credentials=`, `method=`, `smoke=`, `before=`, `timeout=`, `rollback=`),
    /// or a job after it would roll it back: the deploy only publishes the release to the branch
    /// the tool follows, and the tool applies it.
    ///
    /// ```kdl,fragment
    /// environment "production" {
    ///     gitops "flux" repo="https://github.com/acme/shop.git"
    /// }
    /// pipeline {
    ///     deploy "production" on="tag:v*" credentials="PROD_KUBECONFIG"
    /// }
    /// ```
    ///
    /// gives
    ///
    /// ```text
    /// error[stowage::pipeline::gitops]: flux delivers `production`: the deploy only publishes its release, and `credentials=` acts on the cluster
    /// ```
    ///
    /// Fix: `deploy "production" on="tag:v*"`; test the release with a `job` after the deploy.
    GITOPS = "stowage::pipeline::gitops", Error;
}
