//! The pipeline's jobs: the tests and the user's own, each with the phase it runs in, what it
//! waits for and what waits for it. Both CI emitters read this; neither decides it.

use super::{DeployIr, EnvValue, Language, PipelineIr, ServiceIr, When, env_values};
use crate::syntax::ast::{JobBody, JobStage, Pipeline};

/// Where a job runs in the pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Beside the tests: the builds wait for it (when it gates).
    Test,
    /// After the builds and the scan: the deploys wait for it (when it gates).
    Build,
    /// After an environment's deploy: the deploys that come after that one wait for it.
    After(String),
    /// At the end of the pipeline (`when` on-failure or always), after every other job.
    End,
}

#[derive(Debug, Clone)]
pub struct JobIr {
    /// The job's id on both platforms: `test`, `test-NAME`, or the job's name.
    pub id: String,
    /// What the CI pages call it.
    pub title: String,
    pub phase: Phase,
    pub when: When,
    /// Whether the jobs of the next phase wait for it.
    pub gate: bool,
    /// The CI environment it runs in, for that environment's secrets and rules.
    pub environment: Option<String>,
    /// Other jobs it waits for, by id.
    pub needs: Vec<String>,
    /// The container image it runs in, when the spec names one.
    pub image: Option<String>,
    pub setup: Vec<(Language, String, Option<String>)>,
    pub runs: Vec<(String, String)>,
    pub services: Vec<ServiceIr>,
    pub reports: Vec<String>,
    pub artifacts: Vec<String>,
    /// (folder, the file whose content keys it).
    pub caches: Vec<(String, String)>,
    pub env: Vec<(String, EnvValue)>,
    /// After a deploy: the environment's URL (`$DEPLOY_URL`), when the deploy has one.
    pub url: Option<String>,
    /// After a deploy: roll it back when this job fails.
    pub rollback: bool,
    /// A monitor: the commands run again and again for (window, every) seconds.
    pub window: Option<(u64, u64)>,
}

impl JobIr {
    /// The id of the job rolling back the deploy this one follows, when it fails.
    pub fn rollback_id(&self) -> String {
        format!("{}-rollback", self.id)
    }

    /// The variables a job after a deploy gets: the environment's name and, when the deploy
    /// has one, its URL.
    pub fn deploy_variables(&self) -> Vec<(&'static str, &str)> {
        let Some(env) = self.after() else {
            return Vec::new();
        };
        let mut vars = vec![("DEPLOY_ENVIRONMENT", env)];
        if let Some(url) = &self.url {
            vars.push(("DEPLOY_URL", url.as_str()));
        }
        vars
    }

    /// The environment whose deploy the job follows.
    pub fn after(&self) -> Option<&str> {
        match &self.phase {
            Phase::After(env) => Some(env),
            _ => None,
        }
    }

    /// What the job runs, as (name, command): its runs, or for a monitor one loop running them
    /// all, each in a subshell, until the window is over (POSIX sh: any image's shell).
    pub fn commands(&self) -> Vec<(String, String)> {
        let Some((window, every)) = self.window else {
            return self.runs.clone();
        };
        let mut s = format!("end=$(($(date +%s) + {window}))\nwhile :; do\n");
        for (name, cmd) in &self.runs {
            s.push_str(&format!("  echo {}\n  (\n", crate::chars::shell_word(name)));
            // Not indented: a heredoc in the command keeps its meaning.
            s.push_str(cmd.trim_end_matches('\n'));
            s.push_str("\n  )\n");
        }
        s.push_str(&format!(
            "  if [ \"$(date +%s)\" -ge \"$end\" ]; then break; fi\n  sleep {every}\ndone"
        ));
        let title = format!("Monitor for {} every {}", human(window), human(every));
        vec![(title, s)]
    }
}

/// Seconds as the spec would write them: `15m`, `1h`, `90s`.
fn human(secs: u64) -> String {
    match secs {
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

impl PipelineIr {
    /// The jobs of a phase that the next phase waits for.
    pub fn gates(&self, phase: &Phase) -> Vec<&str> {
        self.jobs
            .iter()
            .filter(|j| j.gate && &j.phase == phase)
            .map(|j| j.id.as_str())
            .collect()
    }

    /// The job with this id.
    pub fn job(&self, id: &str) -> Option<&JobIr> {
        self.jobs.iter().find(|j| j.id == id)
    }
}

/// The id of a test job.
pub fn test_id(name: Option<&str>) -> String {
    name.map_or_else(|| "test".to_string(), |n| format!("test-{n}"))
}

/// Every job of the pipeline: the tests, then the user's jobs.
pub(super) fn lower(p: &Pipeline, deploys: &[DeployIr]) -> Vec<JobIr> {
    let tests = p.tests.iter().map(|t| {
        let name = t.name.as_ref().map(|n| n.v.as_str());
        let title = name.map_or_else(|| "Test".to_string(), |n| format!("Test {n}"));
        let mut j = body(test_id(name), title, &t.body);
        j.phase = Phase::Test;
        j
    });
    let jobs = p.jobs.iter().map(|u| {
        let mut j = body(u.name.v.clone(), u.name.v.clone(), &u.body);
        j.when = u.when.as_ref().map_or(When::OnSuccess, |w| w.v);
        j.phase = match (&u.after, u.stage.as_ref().map(|s| s.v), j.when) {
            (_, _, When::OnFailure | When::Always) => Phase::End,
            (Some(env), _, _) => Phase::After(env.v.clone()),
            (None, Some(JobStage::Build), _) => Phase::Build,
            (None, _, _) => Phase::Test,
        };
        j.gate = j.phase != Phase::End && u.gate.as_ref().is_none_or(|g| g.v);
        j.needs = u.needs.iter().map(|n| n.v.clone()).collect();
        j.environment = u.environment.as_ref().map(|e| e.v.clone());
        j.url = j
            .after()
            .and_then(|env| deploys.iter().find(|d| d.env == env))
            .and_then(|d| d.url.clone());
        j.rollback = j.after().is_some() && u.rollback.as_ref().is_some_and(|r| r.v);
        j.window = u.window.as_ref().and_then(|w| {
            let every = u
                .every
                .as_ref()
                .map_or(Some(60), |e| crate::duration::seconds(&e.v))?;
            Some((crate::duration::seconds(&w.v)?, every))
        });
        j
    });
    tests.chain(jobs).collect()
}

/// A job from what it holds, in the test phase until its node says otherwise.
fn body(id: String, title: String, b: &JobBody) -> JobIr {
    JobIr {
        id,
        title,
        phase: Phase::Test,
        when: When::OnSuccess,
        gate: true,
        environment: None,
        needs: Vec::new(),
        image: b.image.as_ref().map(|i| i.v.clone()),
        setup: b
            .setup
            .iter()
            .map(|s| {
                (
                    s.language.v,
                    s.version.v.clone(),
                    s.cache.as_ref().map(|c| c.v.clone()),
                )
            })
            .collect(),
        runs: b
            .runs
            .iter()
            .map(|r| (r.name.v.clone(), r.command.v.clone()))
            .collect(),
        services: b
            .services
            .iter()
            .map(|s| ServiceIr {
                name: s.name.v.clone(),
                image: s.image.v.clone(),
                port: s.port.as_ref().map(|p| p.v),
                health: s.health.as_ref().map(|h| h.v.clone()),
                env: env_values(&s.env),
            })
            .collect(),
        reports: b.reports.iter().map(|r| r.v.clone()).collect(),
        artifacts: b.artifacts.iter().map(|r| r.v.clone()).collect(),
        caches: b
            .caches
            .iter()
            .map(|c| (c.path.v.clone(), c.key.v.clone()))
            .collect(),
        env: env_values(&b.env),
        url: None,
        rollback: false,
        window: None,
    }
}
