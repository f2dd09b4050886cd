//! `stowage import`: a spec from Kubernetes objects: YAML files, folders of them, kustomize
//! overlays (rendered with `kubectl kustomize`), or standard input.

use crate::Cli;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub struct Options<'a> {
    pub sources: &'a [PathBuf],
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
    let mut objects = Vec::new();
    for s in o.sources {
        objects.extend(read(s)?);
    }
    let name = match o.name {
        Some(n) => n.to_string(),
        None => super::init::folder_name()?,
    };
    let imported = stowage::import::import(&objects, &name, o.namespace);
    if stdout {
        if imported.custom.is_some() {
            return Err(format!(
                "custom resources go to {} beside the spec: give the spec a file with `-o`",
                stowage::import::CUSTOM_FILE
            ));
        }
        print!("{}", imported.spec);
    } else {
        if let Some(yaml) = &imported.custom {
            let dir = o.out.parent().unwrap_or(Path::new(""));
            let file = dir.join(stowage::import::CUSTOM_FILE);
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

/// The objects of one source.
fn read(source: &Path) -> Result<Vec<Value>, String> {
    if source == Path::new("-") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return documents(&text, "standard input");
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
        out.extend(read(&f)?);
    }
    Ok(out)
}

/// A kustomize folder, rendered by `kubectl kustomize`.
fn kustomize(dir: &Path) -> Result<Vec<Value>, String> {
    let o = std::process::Command::new("kubectl")
        .arg("kustomize")
        .arg(dir)
        .output()
        .map_err(|e| {
            format!(
                "{} is a kustomization; rendering it needs kubectl: {e}",
                dir.display()
            )
        })?;
    if !o.status.success() {
        return Err(format!(
            "kubectl kustomize {} failed: {}",
            dir.display(),
            String::from_utf8_lossy(&o.stderr).trim()
        ));
    }
    documents(
        &String::from_utf8_lossy(&o.stdout),
        &dir.display().to_string(),
    )
}

/// The objects of a YAML stream (`List`s opened, empty documents skipped).
fn documents(text: &str, what: &str) -> Result<Vec<Value>, String> {
    let docs: Vec<Value> =
        serde_saphyr::from_multiple(text).map_err(|e| format!("{what} is not YAML: {e}"))?;
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
