//! The crate roots of a package, as cargo finds them: `[lib]` and `[[bin]]` paths of its manifest, else
//! the conventional `src/lib.rs`, `src/main.rs`, `src/bin/*.rs`, `src/bin/*/main.rs`, and the build
//! script. Tests, benches and examples are left out (tests aside).

use std::path::{Path, PathBuf};

use crate::Error;

pub(crate) fn crate_roots(package_dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let manifest_path = package_dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest_path).map_err(|source| Error::Read {
        path: manifest_path.clone(),
        source,
    })?;
    let manifest: toml::Table = text.parse().map_err(|e: toml::de::Error| Error::Manifest {
        path: manifest_path.clone(),
        message: e.to_string(),
    })?;

    let mut roots = Vec::new();
    let path_of = |table: &toml::Value| {
        table
            .get("path")
            .and_then(|p| p.as_str())
            .map(PathBuf::from)
    };
    match manifest.get("lib").and_then(path_of) {
        Some(lib) => roots.push(package_dir.join(lib)),
        None => roots.push(package_dir.join("src/lib.rs")),
    }
    roots.push(package_dir.join("src/main.rs"));
    if let Some(bins) = manifest.get("bin").and_then(|b| b.as_array()) {
        roots.extend(bins.iter().filter_map(path_of).map(|p| package_dir.join(p)));
    }
    roots.extend(bin_folder_roots(&package_dir.join("src/bin"))?);
    // `build = false` turns the build script off; a string moves it.
    match manifest.get("package").and_then(|p| p.get("build")) {
        Some(toml::Value::String(build)) => roots.push(package_dir.join(build)),
        Some(toml::Value::Boolean(false)) => {}
        _ => roots.push(package_dir.join("build.rs")),
    }

    roots.retain(|r| r.is_file());
    roots.sort();
    roots.dedup();
    Ok(roots)
}

fn bin_folder_roots(bin_dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let entries = match std::fs::read_dir(bin_dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(Error::Read {
                path: bin_dir.to_path_buf(),
                source,
            });
        }
    };
    let mut roots = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|source| Error::Read {
                path: bin_dir.to_path_buf(),
                source,
            })?
            .path();
        if path.extension().is_some_and(|e| e == "rs") {
            roots.push(path);
        } else if path.join("main.rs").is_file() {
            roots.push(path.join("main.rs"));
        }
    }
    Ok(roots)
}
