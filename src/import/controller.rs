//! The kinds of object the import writes as stowage's own workloads, and where each keeps
//! what the node says.

/// A controller a workload node makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Controller {
    Deployment,
    StatefulSet,
    CronJob,
}

impl Controller {
    pub const ALL: [Controller; 3] = [
        Controller::Deployment,
        Controller::StatefulSet,
        Controller::CronJob,
    ];

    /// The controller an object of `kind` in `api` is, if the import writes it as a node.
    pub fn of(kind: &str, api: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|c| c.kind() == kind && c.api() == api)
    }

    pub fn kind(self) -> &'static str {
        match self {
            Controller::Deployment => "Deployment",
            Controller::StatefulSet => "StatefulSet",
            Controller::CronJob => "CronJob",
        }
    }

    fn api(self) -> &'static str {
        match self {
            Controller::Deployment | Controller::StatefulSet => "apps/v1",
            Controller::CronJob => "batch/v1",
        }
    }

    /// The node that makes it: a Deployment with a Service in front is a `service`.
    pub fn node(self, with_service: bool) -> &'static str {
        match self {
            Controller::Deployment if with_service => "service",
            Controller::Deployment => "worker",
            Controller::StatefulSet => "stateful",
            Controller::CronJob => "cronjob",
        }
    }

    /// Where its pod template is.
    pub fn pod(self) -> &'static str {
        match self {
            Controller::Deployment | Controller::StatefulSet => "/spec/template",
            Controller::CronJob => "/spec/jobTemplate/spec/template",
        }
    }

    /// Whether it selects its pods (by `spec.selector`) and takes `replicas` and `port`s.
    pub fn long_running(self) -> bool {
        self != Controller::CronJob
    }

    /// Whether the node always makes a Service of its name (the StatefulSet's headless one).
    pub fn needs_service(self) -> bool {
        self == Controller::StatefulSet
    }
}
