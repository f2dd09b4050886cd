//! `stowage import`: a spec from Kubernetes objects: YAML files, folders of them, kustomize
//! overlays (rendered with `kubectl kustomize`), Helm charts (rendered with `helm template`),
//! or standard input; one environment, or several each from its own source.

use crate::Cli;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub struct Options<'a> {
    pub sources: &'a [PathBuf],
    /// Environments, each `NAME=SOURCE`: several sources make one spec.
    pub environments: &'a [String],
    pub name: Option<&'a str>,
    pub namespace: Option<&'a str>,
    pub out: &'a Path,
    pub force: bool,
}

pub fn import(cli: &Cli, o: &Options) -> Result<ExitCode, String> {
    let stdout = o.out == Path::new("-");
    if !stdout && o.out.exists() && !o.force {
        return Err(format!(
            "{} already exists: `--force` replaces it, `-o -` prints the spec",
            o.out.display()
        ));
    }
    let envs = environments(o)?;
    let name = match o.name {
        Some(n) => n.to_string(),
        None => match stowage::import::app_name(&envs[0].1) {
            Some(n) => n,
            None => super::init::folder_name()?,
        },
    };
    let imported = stowage::import::import_environments(&envs, &name, o.namespace);
    if stdout {
        if let Some((file, _)) = imported.custom.first() {
            return Err(format!(
                "custom resources go to {file} beside the spec: give the spec a file with `-o`"
            ));
        }
        print!("{}", imported.spec);
    } else {
        let dir = o.out.parent().unwrap_or(Path::new(""));
        for (file, yaml) in &imported.custom {
            let file = dir.join(file);
            if file.exists() && !o.force {
                return Err(format!(
                    "{} already exists: `--force` replaces it",
                    file.display()
                ));
            }
            stowage::output::replace::replace(&file, yaml.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
        }
        stowage::output::replace::replace(o.out, imported.spec.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", o.out.display()))?;
    }
    if !cli.quiet {
        eprintln!(
            "imported {} object{} into {}; what differs from the input:",
            imported.objects,
            if imported.objects == 1 { "" } else { "s" },
            if stdout {
                "standard output".into()
            } else {
                o.out.display().to_string()
            }
        );
        for line in &imported.report {
            eprintln!("  {line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The environments to import: each `--env NAME=SOURCE`, else the sources as one, `imported`.
fn environments(o: &Options) -> Result<Vec<stowage::import::Environment>, String> {
    if o.environments.is_empty() {
        let mut objects = Vec::new();
        for s in o.sources {
            objects.extend(read(s, o)?);
        }
        return Ok(vec![("imported".into(), objects)]);
    }
    let mut out: Vec<stowage::import::Environment> = Vec::new();
    for e in o.environments {
        let Some((name, _)) = e
            .split_once('=')
            .filter(|(n, s)| !n.is_empty() && !s.is_empty())
        else {
            return Err(format!("`--env {e}`: write `--env NAME=SOURCE`"));
        };
        let dns = name.len() <= 63
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && !name.ends_with('-')
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !dns {
            return Err(format!(
                "`--env {e}`: an environment's name is lower-case letters, digits and `-`, \
                 starting with a letter"
            ));
        }
        if out.iter().any(|(n, _)| n == name) {
            return Err(format!("`--env {name}=...` is given twice"));
        }
        out.push((name.to_string(), Vec::new()));
    }
    if !o.sources.is_empty() {
        return Err(
            "give the sources either as `--env NAME=SOURCE` or as arguments, not both".into(),
        );
    }
    for (e, (_, objects)) in o.environments.iter().zip(out.iter_mut()) {
        let source = e.split_once('=').map_or("", |(_, s)| s);
        *objects = read(Path::new(source), o)?;
    }
    Ok(out)
}

/// The objects of one source.
fn read(source: &Path, o: &Options) -> Result<Vec<Value>, String> {
    if source == Path::new("-") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return documents(&text, "standard input");
    }
    if let Some((chart, values)) = chart(source) {
        return helm(&chart, values, o);
    }
    if !source.is_dir() {
        let text = std::fs::read_to_string(source)
            .map_err(|e| format!("cannot read {}: {e}", source.display()))?;
        return documents(&text, &source.display().to_string());
    }
    let kustomization = ["kustomization.yaml", "kustomization.yml", "Kustomization"]
        .iter()
        .any(|k| source.join(k).is_file());
    if kustomization {
        return kustomize(source);
    }
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(source)
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        out.extend(read(&f, o)?);
    }
    Ok(out)
}

/// The Helm chart of a source: a folder with a `Chart.yaml`, or a values file beside one.
fn chart(source: &Path) -> Option<(PathBuf, Option<&Path>)> {
    if source.join("Chart.yaml").is_file() {
        return Some((source.to_path_buf(), None));
    }
    let yaml = source
        .extension()
        .is_some_and(|x| x == "yaml" || x == "yml");
    let dir = source.parent().filter(|d| d.join("Chart.yaml").is_file())?;
    (yaml && source.file_name().is_some_and(|n| n != "Chart.yaml"))
        .then(|| (dir.to_path_buf(), Some(source)))
}

/// A Helm chart rendered by `helm template`, with a values file: the release is the app's
/// name (else the chart's), in the namespace `--namespace` names.
fn helm(chart: &Path, values: Option<&Path>, o: &Options) -> Result<Vec<Value>, String> {
    let release = match o.name {
        Some(n) => n.to_string(),
        None => chart_name(chart)?,
    };
    let mut cmd = std::process::Command::new("helm");
    cmd.arg("template").arg(&release).arg(chart);
    if let Some(v) = values {
        cmd.arg("-f").arg(v);
    }
    if let Some(ns) = o.namespace {
        cmd.args(["--namespace", ns]);
    }
    rendered(cmd, chart, "a Helm chart", "helm template")
}

/// The `name` a chart's Chart.yaml gives.
fn chart_name(chart: &Path) -> Result<String, String> {
    let file = chart.join("Chart.yaml");
    let text = std::fs::read_to_string(&file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let v: Value = serde_saphyr::from_str(&text)
        .map_err(|e| format!("{} is not YAML: {e}", file.display()))?;
    v["name"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("{} has no `name`", file.display()))
}

/// A kustomize folder, rendered by `kubectl kustomize`.
fn kustomize(dir: &Path) -> Result<Vec<Value>, String> {
    let mut cmd = std::process::Command::new("kubectl");
    cmd.arg("kustomize").arg(dir);
    rendered(cmd, dir, "a kustomization", "kubectl kustomize")
}

/// The objects `cmd` (the renderer `tool` of `what` at `source`) prints.
fn rendered(
    mut cmd: std::process::Command,
    source: &Path,
    what: &str,
    tool: &str,
) -> Result<Vec<Value>, String> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let out = cmd.output().map_err(|e| {
        format!(
            "{} is {what}; rendering it needs {program}: {e}",
            source.display()
        )
    })?;
    if !out.status.success() {
        return Err(format!(
            "{tool} {} failed: {}",
            source.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    documents(
        &String::from_utf8_lossy(&out.stdout),
        &source.display().to_string(),
    )
}

/// The objects of a YAML stream (`List`s opened, empty documents skipped).
fn documents(text: &str, what: &str) -> Result<Vec<Value>, String> {
    let docs: Vec<Value> = stowage::kubernetes::stream::documents(text)
        .map_err(|e| format!("{what} is not YAML: {e}"))?;
    let mut out = Vec::new();
    for d in docs {
        match d {
            Value::Null => {}
            Value::Object(ref m) if m.get("kind").and_then(Value::as_str) == Some("List") => {
                if let Some(Value::Array(items)) = m.get("items") {
                    out.extend(items.iter().cloned());
                }
            }
            d => out.push(d),
        }
    }
    Ok(out)
}
