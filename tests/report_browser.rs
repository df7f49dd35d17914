//! A real report rendered in headless Chromium: the page runs without script errors and shows
//! every chart; a screenshot is left under `target/tmp/report-browser/` for a person to look
//! at. Needs Chromium (`.ci/run` installs Debian's `chromium` when missing): without it the
//! test says it skipped, except under CI where it fails.

mod browser;
mod util;
use browser::chromium;
use std::path::Path;
use util::*;

/// Runs headless Chromium once with a fresh profile and `extra`, after at most 5 s of the
/// page's virtual time; its stdout.
fn headless(bin: &Path, profile: &Path, extra: &[String]) -> Vec<u8> {
    let mut args = vec!["--virtual-time-budget=5000".to_string()];
    args.extend_from_slice(extra);
    browser::run_once(bin, profile, &args)
}

/// Records script errors from the first moment, and on load writes what it found into the
/// page: how many charts there are, how many are visible and drawn, and the errors.
const CHECKER: &str = r#"<script>
window.__errors = [];
window.addEventListener('error', function (e) { window.__errors.push(String(e.message)); });
window.addEventListener('load', function () {
  var figs = Array.prototype.slice.call(document.querySelectorAll('figure.chart'));
  var shown = figs.filter(function (f) {
    var s = f.querySelector('svg');
    if (!s) return false;
    var r = s.getBoundingClientRect(), st = getComputedStyle(f);
    return r.width > 100 && r.height > 100 && st.display !== 'none' &&
      st.visibility !== 'hidden' &&
      s.querySelectorAll('path,polyline,polygon,rect,line,circle').length > 5;
  });
  var out = document.createElement('pre');
  out.id = 'gavel-check';
  out.textContent = JSON.stringify({charts: figs.length, shown: shown.length,
    kinds: figs.map(function (f) { return f.dataset.chart; }), errors: window.__errors});
  document.body.appendChild(out);
});
</script>"#;

fn report_renders_in_chromium_with_every_chart() -> Result<(), Skip> {
    let bin = chromium()?;
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-browser");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // a real report: a model trained and evaluated by the binary
    let m = trained(&dir);
    let test = dir.join("test.csv");
    std::fs::write(
        &test,
        "comment,insult\nyou idiot,1\nthank you,0\nwhat a moron,0\nwelcome talks,1\nloser,1\n",
    )
    .unwrap();
    let j = eval_report(&m, &test, &dir.join("report"));
    let heads = j["heads"].as_array().unwrap().len();
    let page = dir.join("report").join("report.html");
    let html = std::fs::read_to_string(&page).unwrap();

    // the page with the checker first in <head>
    let checked = dir.join("checked.html");
    std::fs::write(
        &checked,
        html.replacen("<head>", &format!("<head>\n{CHECKER}"), 1),
    )
    .unwrap();
    let out = headless(
        &bin,
        &dir.join("profile-dom"),
        &["--dump-dom".into(), format!("file://{}", checked.display())],
    );
    let dom = String::from_utf8_lossy(&out);
    let tag = "<pre id=\"gavel-check\">";
    let start = dom.find(tag).expect("the checker ran") + tag.len();
    let end = start + dom[start..].find("</pre>").unwrap();
    let found: serde_json::Value =
        serde_json::from_str(&dom[start..end].replace("&amp;", "&")).unwrap();
    assert_eq!(found["errors"], serde_json::json!([]), "script errors");
    let want = heads * gavel::eval::html::CHARTS_PER_HEAD;
    assert_eq!(found["charts"], want, "{found}");
    assert_eq!(
        found["shown"], want,
        "every chart visible and drawn: {found}"
    );

    // the screenshot, for a person
    let png = dir.join("report.png");
    headless(
        &bin,
        &dir.join("profile-shot"),
        &[
            "--window-size=1400,2600".into(),
            format!("--screenshot={}", png.display()),
            format!("file://{}", page.display()),
        ],
    );
    let bytes = std::fs::read(&png).unwrap();
    assert!(
        bytes.starts_with(b"\x89PNG") && bytes.len() > 20_000,
        "{} bytes",
        bytes.len()
    );
    println!("screenshot: {}", png.display());
    Ok(())
}

fn main() {
    run_cases(&[(
        "report_renders_in_chromium_with_every_chart",
        report_renders_in_chromium_with_every_chart,
    )]);
}
