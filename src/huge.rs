//! Large buffers of a model's load backed by 2 MB pages where the kernel allows: a model file
//! of 12–25 MB, and heads of a few MB each, otherwise fill thousands of 4 KB pages, each a
//! page fault that costs more than copying the page (about half of a cold start).

/// Asks the kernel to back the unused capacity of `v` with 2 MB pages where it can (Linux
/// transparent huge pages, in `madvise` mode or `always`). Only advice: nothing changes if
/// the kernel declines, or elsewhere.
pub fn advise<T>(v: &mut Vec<T>) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let size = std::mem::size_of::<T>();
        let start = v.as_mut_ptr() as usize + v.len() * size;
        let end = v.as_mut_ptr() as usize + v.capacity() * size;
        let (lo, hi) = (start.next_multiple_of(HUGE), end / HUGE * HUGE);
        if lo < hi {
            // SAFETY: [lo, hi) lies inside the vector's own allocation, unused; MADV_HUGEPAGE
            // changes how its pages are backed, not their contents or who owns them
            unsafe {
                libc::madvise(lo as *mut libc::c_void, hi - lo, libc::MADV_HUGEPAGE);
            }
        }
    }
}

/// A copy of `w` in a vector advised as [`advise`] does, before it is written.
pub fn copy_of(w: &[f32]) -> Vec<f32> {
    let mut v = Vec::with_capacity(w.len());
    advise(&mut v);
    v.extend_from_slice(w);
    v
}
