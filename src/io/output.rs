//! Where output bytes go, and how they get there without harm:
//! - a regular file (or a path that does not exist yet) is replaced atomically: a temporary
//!   file is written beside it and renamed over it only when everything is written, so a
//!   reader never sees half a file and a failed run leaves the old file as it was;
//! - a symbolic link is followed: its target is replaced atomically, beside the target, and
//!   the link stays a link;
//! - a device, FIFO or socket, and any path under `/dev` or `/proc` (`/dev/stdout`,
//!   `/dev/null`), is written in place: no rename is possible there, so such output is not
//!   atomic;
//! - standard output is written through a duplicate of descriptor 1, so a closed standard
//!   output is an error rather than output silently dropped.
//!
//! A replaced file keeps its permission bits (and, where allowed, its owner and group); a new
//! file gets `0666` less the umask, as any program's new file does. Temporary files are
//! registered while they exist, so that [`remove_pending`] (called on SIGINT, SIGTERM and
//! SIGHUP) can delete them.

use crate::error::{Error, Result};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary files being written, for removal when the process is interrupted.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Deletes every temporary output file still being written. For signal handlers: it takes
/// no lock that the interrupted code could hold for long, and ignores files already gone.
pub fn remove_pending() {
    let paths = match PENDING.try_lock() {
        Ok(v) => v.clone(),
        Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner().clone(),
        Err(std::sync::TryLockError::WouldBlock) => {
            std::thread::sleep(std::time::Duration::from_millis(50));
            PENDING.lock().map(|v| v.clone()).unwrap_or_default()
        }
    };
    for p in paths {
        let _ = std::fs::remove_file(p);
    }
}

/// A path's final target after following symbolic links (up to 40), whether or not it
/// exists.
fn resolve_links(path: &Path) -> Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&p).map_err(|e| Error::io(&p, e))?;
                p = match p.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(Error::Data(format!(
        "{}: too many levels of symbolic links",
        path.display()
    )))
}

/// Whether output to `path` is written in place rather than replaced: a device, FIFO or
/// socket, or anything under `/dev` or `/proc`.
fn written_in_place(path: &Path) -> bool {
    if path.starts_with("/dev") || path.starts_with("/proc") {
        return true;
    }
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// The file at the end of a path's links: an existing file's identity, or (for a path that
/// does not exist yet) its absolute form.
fn identity(path: &Path) -> Option<FileId> {
    if let Ok(m) = std::fs::metadata(path) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            return Some(FileId::Inode(m.dev(), m.ino()));
        }
        #[cfg(not(unix))]
        {
            let _ = m;
        }
    }
    let target = resolve_links(path).ok()?;
    let name = target.file_name()?.to_owned();
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Some(FileId::Path(std::fs::canonicalize(dir).ok()?.join(name)))
}

#[derive(PartialEq, Eq)]
enum FileId {
    Inode(u64, u64),
    Path(PathBuf),
}

/// Whether two paths name the same file (through links, `..` and the like). Standard streams
/// and devices are never "the same file" as anything, since writing them replaces nothing.
pub fn same_file(a: &Path, b: &Path) -> bool {
    if a.as_os_str() == "-" || b.as_os_str() == "-" || written_in_place(a) || written_in_place(b) {
        return false;
    }
    match (identity(a), identity(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// A duplicate of standard output's descriptor, or an error when standard output is closed.
pub fn stdout() -> Result<std::fs::File> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let fd = std::io::stdout()
            .as_fd()
            .try_clone_to_owned()
            .map_err(|e| Error::io("<stdout>", e))?;
        let f = std::fs::File::from(fd);
        if closed_at_start(&f) {
            return Err(Error::Data(
                "standard output is closed; give an output file with -o, or redirect it".into(),
            ));
        }
        Ok(f)
    }
    #[cfg(not(unix))]
    {
        Err(Error::Data(
            "writing to standard output needs a Unix system".into(),
        ))
    }
}

/// Whether standard output was closed when the program started: Rust's runtime then opens
/// `/dev/null` read-write in its place (a shell's `>/dev/null` opens it write-only), so
/// writes would vanish without an error. Linux only (it reads `/proc/self/fdinfo/1`).
#[cfg(unix)]
fn closed_at_start(f: &std::fs::File) -> bool {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    const DEV_NULL: u64 = (1 << 8) | 3;
    let null = f
        .metadata()
        .is_ok_and(|m| m.file_type().is_char_device() && m.rdev() == DEV_NULL);
    if !null {
        return false;
    }
    let Ok(info) = std::fs::read_to_string("/proc/self/fdinfo/1") else {
        return false;
    };
    let flags = info
        .lines()
        .find_map(|l| l.strip_prefix("flags:"))
        .and_then(|v| u32::from_str_radix(v.trim(), 8).ok());
    // O_ACCMODE is 3, O_RDWR 2
    flags.is_some_and(|f| f & 3 == 2)
}

/// A temporary file on its way to replacing `dest`. Dropped unfinished, it deletes the
/// file, then leaves the registry.
struct Pending {
    tmp: tempfile::TempPath,
    /// the file behind the output's sink, to sync and give the old file's permissions
    file: std::fs::File,
    _registered: Registered,
    dest: PathBuf,
    /// the replaced file's permissions and owner, if it existed
    keep: Option<std::fs::Metadata>,
}

/// A path in the registry of temporary files while this lives.
struct Registered(PathBuf);

impl Registered {
    fn new(p: &Path) -> Registered {
        if let Ok(mut v) = PENDING.lock() {
            v.push(p.to_path_buf());
        }
        Registered(p.to_path_buf())
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        if let Ok(mut v) = PENDING.lock() {
            v.retain(|x| x != &self.0);
        }
    }
}

/// A byte sink: standard output, a device or FIFO, or a file replaced atomically by
/// [`Output::finish`]. Buffered.
pub struct Output {
    sink: BufWriter<Box<dyn Write + Send>>,
    /// the temporary file, when the output replaces a file
    pending: Option<Pending>,
    name: String,
}

impl Output {
    /// Output to `path`, or to standard output when `None` or `-`.
    pub fn create(path: Option<&Path>) -> Result<Output> {
        let Some(path) = path.filter(|p| p.as_os_str() != "-") else {
            return Ok(Output::to_writer(Box::new(stdout()?), "<stdout>"));
        };
        let name = path.display().to_string();
        if written_in_place(path) {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| Error::io(path, e))?;
            return Ok(Output::to_writer(Box::new(f), &name));
        }
        let dest = resolve_links(path)?;
        if dest.is_dir() {
            return Err(Error::Data(format!("{name}: is a folder, not a file")));
        }
        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let keep = std::fs::metadata(&dest).ok();
        let mut b = tempfile::Builder::new();
        b.prefix(".gavel-").suffix(".tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // the kernel applies the umask to this mode, as for any new file
            b.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let tmp = b.tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
        let (file, tmp) = tmp.into_parts();
        let handle = file.try_clone().map_err(|e| Error::io(&tmp, e))?;
        Ok(Output {
            sink: BufWriter::with_capacity(1 << 16, Box::new(file)),
            pending: Some(Pending {
                _registered: Registered::new(&tmp),
                file: handle,
                tmp,
                dest,
                keep,
            }),
            name,
        })
    }

    /// Output to any byte sink, called `name` in messages; nothing to rename.
    pub fn to_writer(w: Box<dyn Write + Send>, name: &str) -> Output {
        Output {
            sink: BufWriter::with_capacity(1 << 16, w),
            pending: None,
            name: name.to_string(),
        }
    }

    /// The name used in messages: the path as given, or `<stdout>`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Flushes; for a replaced file, syncs it, gives it the old file's permissions and owner
    /// and renames it into place.
    pub fn finish(self) -> Result<()> {
        let Output {
            mut sink,
            pending,
            name,
        } = self;
        sink.flush().map_err(|e| Error::io(&name, e))?;
        drop(sink);
        let Some(p) = pending else {
            return Ok(());
        };
        let file = &p.file;
        file.sync_all().map_err(|e| Error::io(&name, e))?;
        if let Some(old) = &p.keep {
            file.set_permissions(old.permissions())
                .map_err(|e| Error::io(&name, e))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                // only root may give a file away; others keep their own ownership
                let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()));
            }
        }
        p.tmp
            .persist(&p.dest)
            .map_err(|e| Error::io(&p.dest, e.error))?;
        Ok(())
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.sink.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.sink.write_all(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.sink.flush()
    }
}

/// Writes `bytes` to `path` as [`Output`] does: atomically for files, in place for devices.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut out = Output::create(Some(path))?;
    out.write_all(bytes).map_err(|e| Error::io(path, e))?;
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(unix)]
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_new_file_appears_only_when_finished() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("out.txt");
        let mut o = Output::create(Some(&p)).unwrap();
        o.write_all(b"hello").unwrap();
        assert!(!p.exists());
        o.finish().unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"hello");
    }

    #[test]
    fn a_dropped_output_leaves_nothing() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("out.txt");
        std::fs::write(&p, "old").unwrap();
        let mut o = Output::create(Some(&p)).unwrap();
        o.write_all(b"new").unwrap();
        drop(o);
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old");
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_and_modes_kept() {
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("real.csv");
        std::fs::write(&target, "old").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = d.path().join("link.csv");
        std::os::unix::fs::symlink("real.csv", &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        let mode = std::fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        // a link to a file that does not exist yet creates the target
        let dangling = d.path().join("dangling");
        std::os::unix::fs::symlink("made.csv", &dangling).unwrap();
        write_atomic(&dangling, b"x").unwrap();
        assert_eq!(
            std::fs::read_to_string(d.path().join("made.csv")).unwrap(),
            "x"
        );
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_written_in_place() {
        use std::os::unix::fs::FileTypeExt;
        write_atomic(Path::new("/dev/null"), b"nothing").unwrap();
        let t = std::fs::metadata("/dev/null").unwrap().file_type();
        assert!(t.is_char_device());
    }

    #[test]
    fn same_file_sees_through_spelling() {
        let d = tempfile::tempdir().unwrap();
        let a = d.path().join("a.csv");
        std::fs::write(&a, "x").unwrap();
        let sub = d.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        assert!(same_file(&a, &sub.join("../a.csv")));
        let new = d.path().join("new.csv");
        assert!(same_file(&new, &sub.join("../new.csv")));
        assert!(!same_file(&a, &new));
        assert!(!same_file(Path::new("-"), Path::new("-")));
    }
}
