//! How the server's memory goes back to the system.

/// Password hashing allocates 19 MiB per hash (argon2id at OWASP's cost,
/// `app::server::passwords`) on whichever blocking-pool thread runs it.
/// glibc's malloc raises its mmap threshold each time such a block is
/// freed, after which it serves them from per-thread arenas and keeps them:
/// after 15 seconds of sign-ins on every core, the server held 780 MB. A
/// fixed threshold keeps every block of 1 MiB or more a mapping of its own,
/// returned to the system when freed: at most 61 MB in the same run. The
/// cost is faulting the pages in again for each hash: 32 sign-ins a second
/// on 2 cores instead of 51 (scripts/bench). A server that runs out of
/// memory serves no one; reusing one block per core would have both.
pub fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes an allocator setting; called once, at
    // start-up, before the runtime's threads allocate.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1024 * 1024);
    }
}
