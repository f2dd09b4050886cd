//! How cronjobs and jobs run: schedule, time zone, counts.

use crate::check::Cx;
use crate::check::values::{self};
use crate::diagnostic::{Diagnostic, Diagnostics, code};
use crate::syntax::ast::*;

impl Cx<'_> {
    /// Deadlines, retries, history and the grace period within range; a known time zone.
    pub(in crate::check) fn run_values(&self, w: &Workload, diags: &mut Diagnostics) {
        for (v, what, max) in [
            (&w.deadline, "deadline", i64::from(i32::MAX)),
            (&w.retries, "retries", 100),
            (&w.grace_period, "grace period", i64::from(i32::MAX)),
        ]
        .into_iter()
        .chain(
            w.history
                .iter()
                .flat_map(|h| [(&h.success, "history", 100), (&h.failure, "history", 100)]),
        ) {
            if let Some(v) = v
                && (v.v < 0 || v.v > max)
            {
                diags.push(
                    Diagnostic::error(
                        &code::value::RANGE,
                        format!("{what} {} is out of range", v.v),
                        v.span,
                        format!("not 0-{max}"),
                    )
                    .with_help(format!("write a number from 0 to {max}")),
                );
            }
        }
        if let Some(tz) = &w.timezone
            && !valid_timezone(&tz.v)
        {
            diags.push(
                Diagnostic::error(
                    &code::value::TIMEZONE,
                    format!("`{}` is not a time zone name", tz.v),
                    tz.span,
                    "not in the time zone database",
                )
                .with_help("use a name of the IANA time zone database, as written there: \"Etc/UTC\", \"Europe/Berlin\", \"America/New_York\""),
            );
        }
    }

    /// A cronjob has a schedule cron understands.
    pub(in crate::check) fn schedule(&self, w: &Workload, diags: &mut Diagnostics) {
        if w.kind == WorkloadKind::CronJob {
            match &w.schedule {
                None => diags.push(
                    Diagnostic::error(
                        &code::workload::SCHEDULE,
                        format!("cronjob `{}` has no schedule", w.name.v),
                        w.name.span,
                        "no `schedule` here",
                    )
                    .with_help("add `schedule \"0 2 * * *\"` (minute hour day month weekday)"),
                ),
                Some(s) => {
                    if let Err(why) = values::cron(&s.v) {
                        diags.push(Diagnostic::error(&code::value::CRON, format!("`{}` is not a cron schedule", s.v), s.span, why).with_help("write five fields: minute hour day-of-month month day-of-week, e.g. \"0 2 * * *\""));
                    }
                }
            }
        }
    }
}

/// IANA time zone names as CronJobs take them: `UTC`, `Etc/UTC`, `America/New_York`.
/// Whether `s` names a time zone of the IANA database (the copy built into stowage: the
/// result does not depend on the machine), as the API server's `time.LoadLocation` would find
/// it. `Local` means the controller's own zone and is refused by Kubernetes.
fn valid_timezone(s: &str) -> bool {
    !s.eq_ignore_ascii_case("local")
        && !s.contains(' ')
        && jiff::tz::TimeZoneDatabase::bundled()
            .get(s)
            .is_ok_and(|tz| tz.iana_name() == Some(s))
}
