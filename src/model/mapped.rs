//! A model file's bytes mapped from the page cache instead of read into memory of the
//! process's own. Reading a 25 MB model costs a fresh buffer, whose pages the kernel zeroes
//! before the file is copied into them (half of a cold start, `perf`); a mapping shows the
//! cached pages themselves, read-only, with no zeroing and no copy. The loader copies what it
//! keeps out of the bytes and drops the mapping.
//!
//! A mapping reflects the file: were it truncated by another process while mapped (a few
//! milliseconds), reading past its new end would stop the process with SIGBUS. gavel replaces
//! model files by renaming a new one into place (`io::output`), which leaves a mapped file
//! whole; the mapping is private and read-only.

use std::fs::File;

/// A read-only private mapping of a whole file, unmapped on drop.
pub struct Mapped {
    ptr: *mut libc::c_void,
    len: usize,
}

impl Mapped {
    /// Maps the first `len` bytes of `file` (its size), with its pages populated at once;
    /// `None` where mapping is not available (another platform, a file system that refuses,
    /// an empty file), for the caller to read the file instead.
    #[cfg(unix)]
    pub fn new(file: &File, len: usize) -> Option<Mapped> {
        use std::os::fd::AsRawFd;
        if len == 0 {
            return None;
        }
        #[cfg(target_os = "linux")]
        let flags = libc::MAP_PRIVATE | libc::MAP_POPULATE;
        #[cfg(not(target_os = "linux"))]
        let flags = libc::MAP_PRIVATE;
        // SAFETY: a fresh mapping of an open file descriptor at no fixed address; the result
        // is checked before use and owned by the returned value alone
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                flags,
                file.as_raw_fd(),
                0,
            )
        };
        (ptr != libc::MAP_FAILED).then_some(Mapped { ptr, len })
    }

    #[cfg(not(unix))]
    pub fn new(_file: &File, _len: usize) -> Option<Mapped> {
        None
    }

    /// The mapped bytes.
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: `ptr` maps `len` readable bytes for as long as `self` lives (unmapped only
        // on drop); nothing writes them in this process (read-only, private)
        unsafe { std::slice::from_raw_parts(self.ptr as *const u8, self.len) }
    }
}

impl Drop for Mapped {
    fn drop(&mut self) {
        #[cfg(unix)]
        // SAFETY: `ptr`/`len` are the mapping made in `new`, unmapped once, here; no slice of
        // it outlives `self` (`bytes` borrows `self`)
        unsafe {
            libc::munmap(self.ptr, self.len);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A mapped file shows the file's bytes; an empty file is not mapped.
    #[test]
    fn maps_a_file_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.bin");
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&p, &data).unwrap();
        let f = File::open(&p).unwrap();
        let m = Mapped::new(&f, data.len()).expect("a regular file maps");
        assert_eq!(m.bytes(), &data[..]);
        let e = dir.path().join("e.bin");
        std::fs::write(&e, b"").unwrap();
        assert!(Mapped::new(&File::open(&e).unwrap(), 0).is_none());
    }
}
