//! The installable app's server side: `/sw.js`, the service worker with this build's version
//! and precache list filled in, and the static files' precompressed copies (`.br`, `.gz`, written
//! by `make release`), which are served when fresh and removed at start-up when stale.

use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const TEMPLATE: &str = include_str!("sw.js");

/// The header a page carries for the service worker: `keep` on a signed-in person's dashboard
/// (it may be shown again offline), `forget` on any page rendered for a visitor (the kept copy
/// is dropped).
pub const OFFLINE_HEADER: &str = "x-concierge-offline";

/// The files every installed app keeps, from the site root: the shell, without which nothing
/// renders offline. Pages are not listed: only the dashboard is kept, and only for its person.
fn precache_list(pkg_dir: &str, output_name: &str) -> Vec<String> {
    let mut files: Vec<String> = [
        "/offline.html",
        "/offline.js",
        "/pwa.js",
        "/manifest.webmanifest",
        "/favicon.svg",
        "/icons/icon-192.png",
        "/icons/icon-512.png",
        "/icons/maskable-512.png",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for ext in ["css", "js", "wasm"] {
        files.push(format!("/{pkg_dir}/{output_name}.{ext}"));
    }
    files
}

struct Worker {
    body: String,
}

static WORKER: OnceLock<Worker> = OnceLock::new();

/// Builds the worker once per process: the version is a hash of the precached files as they are
/// on disk, so a new build (a new wasm, a new stylesheet) is a new worker, and browsers replace
/// the old one and its cache. Files that do not exist are left out of the list (`addAll` would
/// fail on them and the worker would never install).
fn build(root: &Path, pkg_dir: &str, output_name: &str) -> Worker {
    let mut hash = Sha256::new();
    let mut present = Vec::new();
    for url in precache_list(pkg_dir, output_name) {
        let path = root.join(url.trim_start_matches('/'));
        match std::fs::read(&path) {
            Ok(bytes) => {
                hash.update(url.as_bytes());
                hash.update((bytes.len() as u64).to_le_bytes());
                hash.update(&bytes);
                present.push(url);
            }
            Err(err) => tracing::warn!(file = %path.display(), error = %err, "not precached by the service worker"),
        }
    }
    hash.update(TEMPLATE.as_bytes());
    let version: String = hash.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect();
    let list = serde_json::to_string(&present).unwrap_or_else(|_| "[]".to_string());
    Worker { body: TEMPLATE.replacen("__VERSION__", &version, 1).replacen("__PRECACHE__", &list, 1) }
}

/// `GET /sw.js`. `no-cache`: browsers check the worker on every visit, so a deploy reaches them
/// at the next page load.
pub async fn service_worker(State(state): State<AppState>) -> Response {
    let opts = &state.leptos_options;
    let (root, pkg, name) =
        (PathBuf::from(opts.site_root.to_string()), opts.site_pkg_dir.to_string(), opts.output_name.to_string());
    let worker = match WORKER.get() {
        Some(w) => w,
        None => {
            let built = tokio::task::spawn_blocking(move || build(&root, &pkg, &name)).await;
            match built {
                Ok(w) => WORKER.get_or_init(|| w),
                Err(err) => {
                    tracing::error!(error = %err, "service worker not built");
                    return axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response();
                }
            }
        }
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        worker.body.clone(),
    )
        .into_response()
}

/// Removes precompressed copies (`x.br`, `x.gz`) older than their file, or whose file is gone:
/// the static file service prefers them, and a copy left by an earlier build would serve old
/// code. Runs at start-up, before the first request; returns how many were removed.
pub fn sweep_stale_precompressed(root: &Path) -> usize {
    let mut removed = 0;
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                dirs.push(path);
                continue;
            }
            let Some(original) = precompressed_original(&path) else { continue };
            let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
            // Some tools keep the file's time on the copy, to the second only: a copy up to 2 s
            // older is the same build's (builds take minutes).
            let stale = match (modified(&original), modified(&path)) {
                (Some(orig), Some(copy)) => copy + std::time::Duration::from_secs(2) < orig,
                _ => true,
            };
            if stale {
                match std::fs::remove_file(&path) {
                    Ok(()) => {
                        tracing::info!(file = %path.display(), "stale precompressed copy removed");
                        removed += 1;
                    }
                    Err(err) => tracing::warn!(file = %path.display(), error = %err, "stale precompressed copy kept"),
                }
            }
        }
    }
    removed
}

/// `x.wasm.br` → `x.wasm`; anything else → None.
fn precompressed_original(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_suffix(".br").or_else(|| name.strip_suffix(".gz"))?;
    (!stem.is_empty()).then(|| path.with_file_name(stem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_lists_only_present_files_and_changes_with_them() {
        let dir = std::env::temp_dir().join(format!("concierge-sw-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        std::fs::write(dir.join("offline.html"), "<p>offline</p>").unwrap();
        std::fs::write(dir.join("pkg/app.wasm"), b"\0asm one").unwrap();
        let a = build(&dir, "pkg", "app");
        assert!(a.body.contains(r#"["/offline.html","/pkg/app.wasm"]"#), "{}", &a.body[..600]);
        assert!(!a.body.contains("__VERSION__") && !a.body.contains("__PRECACHE__"));
        std::fs::write(dir.join("pkg/app.wasm"), b"\0asm two").unwrap();
        let b = build(&dir, "pkg", "app");
        let version = |w: &Worker| w.body.lines().find(|l| l.starts_with("const VERSION")).unwrap().to_string();
        assert_ne!(version(&a), version(&b), "a new wasm is a new worker");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn stale_and_orphaned_copies_are_swept_fresh_ones_kept() {
        let dir = std::env::temp_dir().join(format!("concierge-sweep-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
        // A copy older than its file (an earlier build's), and one as old to the second (as the
        // brotli tool leaves it), which is the same build's.
        std::fs::write(dir.join("pkg/app.js"), b"js").unwrap();
        std::fs::write(dir.join("pkg/app.js.br"), b"br").unwrap();
        let now = std::time::SystemTime::now();
        let second = now
            - std::time::Duration::from_nanos(now.duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos().into());
        std::fs::File::options().write(true).open(dir.join("pkg/app.js.br")).unwrap().set_modified(second).unwrap();
        std::fs::write(dir.join("pkg/app.wasm.br"), b"old").unwrap();
        std::fs::File::options().write(true).open(dir.join("pkg/app.wasm.br")).unwrap().set_modified(old).unwrap();
        std::fs::write(dir.join("pkg/app.wasm"), b"new").unwrap();
        // A fresh copy.
        std::fs::write(dir.join("pkg/app.css"), b"css").unwrap();
        std::fs::File::options().write(true).open(dir.join("pkg/app.css")).unwrap().set_modified(old).unwrap();
        std::fs::write(dir.join("pkg/app.css.gz"), b"gz").unwrap();
        // A copy of nothing.
        std::fs::write(dir.join("gone.js.br"), b"x").unwrap();
        assert_eq!(sweep_stale_precompressed(&dir), 2);
        assert!(!dir.join("pkg/app.wasm.br").exists());
        assert!(dir.join("pkg/app.css.gz").exists());
        assert!(dir.join("pkg/app.js.br").exists());
        assert!(!dir.join("gone.js.br").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
