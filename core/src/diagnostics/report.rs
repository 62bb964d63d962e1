//! "Copy diagnostics": what a person pastes into a bug report — the version, the OS, the web
//! view's version, crashes not yet seen, and the last lines of the log — with every secret masked:
//! the keys this device holds (exact values) and anything shaped like a key, token, signature or
//! an e-mail's local part, since a log line may quote a URL or an answer we did not write.

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::crash::unseen_crashes;
use crate::Result;

/// Log lines a report carries (the newest).
pub const REPORT_LOG_LINES: usize = 200;
const MASK: &str = "••••";

/// What the shell knows that the core does not.
#[derive(Debug, Clone, Default)]
pub struct ReportContext {
    pub version: String,
    /// `WebKitGTK 2.48.3`, `WebView2 131…`; `None` from the CLI.
    pub webview: Option<String>,
    /// Exact values to mask wherever they appear (the device's keys and secrets).
    pub secrets: Vec<String>,
}

/// Patterns that look like secrets whoever wrote them, each replaced with its first group kept.
static PATTERNS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        // key=…, token: …, "secret": "…", Authorization: Bearer …, X-Amz-Signature=…
        r#"(?i)((?:api[_-]?key|key|token|secret|password|authorization|bearer|signature|credential|x-amz-[a-z-]+)["']?\s*[=:]\s*["']?(?:bearer\s+)?)[^\s"'&,;]+"#,
        r"(?i)(bearer\s+)[^\s]+",
        // Google API keys anywhere.
        r"()AIza[0-9A-Za-z_\-]{20,}",
        // Long key- or token-like runs (hex, base64 without its separators). Job ids (UUIDs,
        // hyphenated) and URL paths stay readable.
        r"()[A-Za-z0-9_]{32,}",
        // An e-mail's local part.
        r"()[A-Za-z0-9._%+\-]+(@[A-Za-z0-9.\-]+\.[A-Za-z]{2,})",
    ]
    .iter()
    .filter_map(|p| Regex::new(p).ok())
    .collect()
});

/// `text` with `known` secrets and secret-shaped runs replaced by `••••`.
pub fn mask_secrets(text: &str, known: &[String]) -> String {
    let mut out = text.to_owned();
    for secret in known.iter().filter(|s| s.len() >= 4) {
        out = out.replace(secret.as_str(), MASK);
    }
    for (i, pattern) in PATTERNS.iter().enumerate() {
        out = pattern
            .replace_all(&out, |c: &regex::Captures<'_>| {
                let kept = c.get(1).map_or("", |m| m.as_str());
                if i == PATTERNS.len() - 1 {
                    // The e-mail pattern keeps its domain (group 1 is empty, group 2 the domain).
                    format!("{MASK}{}", c.get(2).map_or("", |m| m.as_str()))
                } else {
                    format!("{kept}{MASK}")
                }
            })
            .into_owned();
    }
    out
}

/// The report "Copy diagnostics" puts on the clipboard.
pub fn diagnostics_report(data_dir: &Path, context: &ReportContext) -> Result<String> {
    let mut lines = vec![
        format!("Nanoforge {}", context.version),
        format!(
            "OS: {} (kernel {}, {})",
            sysinfo::System::long_os_version().unwrap_or_else(|_| std::env::consts::OS.to_owned()),
            sysinfo::System::kernel_version().unwrap_or_else(|_| "unknown".to_owned()),
            std::env::consts::ARCH
        ),
        format!(
            "Web view: {}",
            context.webview.as_deref().unwrap_or("none (command line)")
        ),
    ];
    let crashes = unseen_crashes(data_dir)?;
    lines.push(format!("Crashes not yet seen: {}", crashes.len()));
    for crash in &crashes {
        lines.push(format!(
            "  {} at {}: {} ({})",
            crash.version,
            crash.location.as_deref().unwrap_or("unknown"),
            crash.message,
            crash.thread
        ));
    }
    let log = crate::logging::log_dir(data_dir).join(crate::logging::LOG_FILE);
    let tail = std::fs::read(&log)
        .map(|bytes| {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(REPORT_LOG_LINES)..].join("\n")
        })
        .unwrap_or_default();
    lines.push(format!("Last log lines ({}):", tail.lines().count()));
    lines.push(tail);
    Ok(mask_secrets(&lines.join("\n"), &context.secrets))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_tokens_signatures_and_addresses_are_masked() {
        let known = vec!["nb-1234567890".to_owned()];
        let text = "\
            submit with nb-1234567890 failed\n\
            GET https://generativelanguage.googleapis.com/v1beta/models?key=AIzaSyA1234567890abcdefghijklmnopqrstu\n\
            header Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl\n\
            presigned https://b.r2.dev/o?X-Amz-Credential=AKIA123%2F2026&X-Amz-Signature=0123456789abcdef0123456789abcdef\n\
            {\"secret\": \"hunter2hunter2\"}\n\
            signed in as alice.smith@example.com\n\
            job 7 completed in 1234 ms";
        let masked = mask_secrets(text, &known);
        for gone in [
            "nb-1234567890",
            "AIzaSyA1234567890",
            "eyJhbGciOiJSUzI1NiJ9",
            "AKIA123",
            "0123456789abcdef0123456789abcdef",
            "hunter2hunter2",
            "alice.smith",
        ] {
            assert!(!masked.contains(gone), "{gone} left in:\n{masked}");
        }
        // What helps a report stays.
        for kept in [
            "failed",
            "generativelanguage.googleapis.com/v1beta/models",
            "@example.com",
            "job 7 completed in 1234 ms",
        ] {
            assert!(masked.contains(kept), "{kept} lost in:\n{masked}");
        }
    }

    #[test]
    fn the_report_names_the_version_the_web_view_and_the_last_log_lines_masked() {
        let dir = tempfile::tempdir().unwrap();
        let logs = crate::logging::log_dir(dir.path());
        std::fs::create_dir_all(&logs).unwrap();
        let mut log = String::new();
        for i in 0..(REPORT_LOG_LINES + 50) {
            log.push_str(&format!("line {i} key=sk-secret-{i}\n"));
        }
        std::fs::write(logs.join(crate::logging::LOG_FILE), log).unwrap();
        let context = ReportContext {
            version: "9.9.9".into(),
            webview: Some("WebKitGTK 2.48.3".into()),
            secrets: vec![],
        };
        let report = diagnostics_report(dir.path(), &context).unwrap();
        assert!(report.starts_with("Nanoforge 9.9.9\nOS: "), "{report}");
        assert!(report.contains("Web view: WebKitGTK 2.48.3"));
        assert!(report.contains(&format!("Last log lines ({REPORT_LOG_LINES}):")));
        assert!(!report.contains("line 49 "), "only the newest lines");
        assert!(report.contains(&format!("line {} ", REPORT_LOG_LINES + 49)));
        assert!(!report.contains("sk-secret"), "{report}");
    }
}
