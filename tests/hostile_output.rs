//! Where output goes (issue 18's repro commands, as tests): `-o` follows links and writes
//! devices and FIFOs in place, keeps modes, honours the umask; a signal leaves no temporary
//! file; an output that is an input is refused; closed pipes, closed and full standard
//! outputs are handled by every command.
#![cfg(unix)]

mod util;
use predicates::prelude::*;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use util::{gavel, toy_csv};

fn abuse() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models/abuse.gavel")
}

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo_comments.csv")
}

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_gavel"))
}

/// The names in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// `-o` on a symlink replaced the link with a regular file (its target never written), and a
/// `chmod 640` output became 0644. Every command that writes a file now writes through the
/// link to its target, keeping the target's mode.
#[test]
fn outputs_follow_links_and_keep_modes() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let data = toy_csv(dir);
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/pages/haqqani_bar.txt");
    let runs: Vec<(&str, Vec<std::ffi::OsString>)> = vec![
        (
            "score",
            vec![
                "score".into(),
                "--model".into(),
                abuse().into(),
                "--text".into(),
                "comment".into(),
                demo().into(),
                "-o".into(),
            ],
        ),
        (
            "train",
            vec![
                "train".into(),
                "--data".into(),
                data.clone().into(),
                "--text".into(),
                "comment".into(),
                "--label".into(),
                "insult".into(),
                "-o".into(),
            ],
        ),
        ("extract", vec!["extract".into(), page.into(), "-o".into()]),
        (
            "policy",
            vec![
                "eval".into(),
                "--model".into(),
                abuse().into(),
                "--data".into(),
                demo().into(),
                "--text".into(),
                "comment".into(),
                "--suggest-policy".into(),
            ],
        ),
    ];
    for (name, args) in runs {
        let target = dir.join(format!("{name}.real"));
        std::fs::write(&target, "old").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.join(format!("{name}.link"));
        std::os::unix::fs::symlink(&target, &link).unwrap();
        gavel().arg("-q").args(&args).arg(&link).assert().success();
        let meta = std::fs::symlink_metadata(&link).unwrap();
        assert!(
            meta.file_type().is_symlink(),
            "{name}: the link was replaced"
        );
        assert_ne!(
            std::fs::read(&target).unwrap(),
            b"old",
            "{name}: target not written"
        );
        let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640, "{name}");
    }
    // a new file gets 0666 less the umask, as any program's does
    let out = dir.join("new.csv");
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 027 && '{}' -q score --model '{}' --text comment '{}' -o '{}'",
            bin().display(),
            abuse().display(),
            demo().display(),
            out.display()
        ))
        .status()
        .unwrap();
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    assert!(
        !names(dir).iter().any(|n| n.starts_with(".gavel-")),
        "{:?}",
        names(dir)
    );
}

/// As root, `-o` on a device or FIFO replaced it with a regular file (a FIFO's reader hung);
/// `-o /dev/stdout` did the same to the link. They are written in place now.
#[test]
fn devices_fifos_and_dev_stdout_are_written_in_place() {
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("fifo");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    gavel()
        .args(["-q", "score", "--text", "comment", "--model"])
        .arg(abuse())
        .arg(demo())
        .arg("-o")
        .arg(&fifo)
        .assert()
        .success();
    assert_eq!(reader.join().unwrap().lines().count(), 301);
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    gavel()
        .args(["-q", "score", "--text", "comment", "--model"])
        .arg(abuse())
        .arg(demo())
        .args(["-o", "/dev/null"])
        .assert()
        .success();
    assert!(std::fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
    let out = gavel()
        .args(["-q", "score", "--text", "comment", "--model"])
        .arg(abuse())
        .arg(demo())
        .args(["-o", "/dev/stdout"])
        .assert()
        .success();
    assert_eq!(
        out.get_output()
            .stdout
            .iter()
            .filter(|&&b| b == b'\n')
            .count(),
        301
    );
    let link = std::fs::symlink_metadata("/dev/stdout").unwrap();
    assert!(link.file_type().is_symlink(), "/dev/stdout was replaced");
}

/// SIGINT, SIGTERM or SIGHUP during `score -o` left a 50 MB temporary file beside the
/// output; now the file is removed and the process ends as the signal would end it.
#[test]
fn signals_leave_no_temporary_file() {
    let d = tempfile::tempdir().unwrap();
    let input = d.path().join("in.csv");
    let mut s = String::from("id,text\n");
    for i in 0..400_000 {
        s += &format!("{i},the talks went on for hours and nobody agreed on number {i}\n");
    }
    std::fs::write(&input, s).unwrap();
    for (sig, code) in [("INT", 2), ("TERM", 15), ("HUP", 1)] {
        let out = d.path().join("out.csv");
        let mut child = Command::new(bin())
            .args(["-q", "score", "--batch", "1000", "--model"])
            .arg(abuse())
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .spawn()
            .unwrap();
        // wait for the temporary file to appear, then signal
        let started = std::time::Instant::now();
        while !names(d.path()).iter().any(|n| n.starts_with(".gavel-")) {
            assert!(
                started.elapsed().as_secs() < 30,
                "no temporary file appeared"
            );
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        let pid = child.id().to_string();
        assert!(Command::new("kill")
            .args([&format!("-{sig}"), &pid])
            .status()
            .unwrap()
            .success());
        let status = child.wait().unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(code), "{sig}: {status:?}");
        assert_eq!(names(d.path()), ["in.csv"], "{sig}");
    }
}

/// `split --train-out X --test-out X` kept only the test rows; `train --data X -o X`
/// overwrote the data with the model. Outputs that are inputs are refused, however spelled.
#[test]
fn an_output_that_is_an_input_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let data = toy_csv(d.path());
    let before = std::fs::read(&data).unwrap();
    let x = d.path().join("x.csv");
    std::fs::create_dir(d.path().join("sub")).unwrap();
    gavel()
        .args(["split", "--data"])
        .arg(&data)
        .arg("--train-out")
        .arg(&x)
        .arg("--test-out")
        .arg(d.path().join("sub/../x.csv"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--train-out and --test-out name the same file",
        ));
    gavel()
        .args(["train", "--text", "comment", "--label", "insult", "--data"])
        .arg(&data)
        .arg("-o")
        .arg(&data)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is also an input"));
    gavel()
        .args(["score", "--model"])
        .arg(abuse())
        .arg(&data)
        .arg("-o")
        .arg(abuse())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is also an input"));
    assert_eq!(std::fs::read(&data).unwrap(), before);
    assert!(!x.exists());
}

/// `inspect --top 100000 M | head -1` and `explain --json … | head -1` panicked on the
/// closed pipe, `inspect M > /dev/full` on the full disk, and `score … >&-` said "scored
/// 300 rows" having written nothing.
#[test]
fn closed_and_full_standard_outputs() {
    let runs: Vec<Vec<String>> = vec![
        vec![
            "inspect".into(),
            "--top".into(),
            "100000".into(),
            abuse().display().to_string(),
        ],
        vec![
            "explain".into(),
            "--json".into(),
            "--model".into(),
            abuse().display().to_string(),
            "you idiot ".repeat(2000),
        ],
        vec![
            "score".into(),
            "--text".into(),
            "comment".into(),
            "--model".into(),
            abuse().display().to_string(),
            demo().display().to_string(),
        ],
    ];
    for args in &runs {
        // a reader that takes one line and goes away
        let mut child = Command::new(bin())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{}: {err}", args[0]);
        assert_eq!(out.status.code(), Some(0), "{}: {err}", args[0]);
        // a full disk is an error with its reason
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = Command::new(bin())
            .args(args)
            .stdout(full)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {err}", args[0]);
        assert!(err.contains("No space left on device"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' score --text comment --model '{}' '{}' >&-",
            bin().display(),
            abuse().display(),
            demo().display()
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("standard output is closed"));
}
