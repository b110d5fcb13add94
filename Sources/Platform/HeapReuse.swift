import CPlatform

/// How the process's allocator treats large freed blocks.
public enum HeapReuse {
    /// Keeps freed blocks of up to 64 MiB for reuse instead of handing them back to the kernel.
    ///
    /// Every training batch allocates and frees the same few large buffers (its inputs,
    /// libtorch's activations and gradients). With glibc's defaults they go back to the kernel
    /// each time (munmap, or brk trimming) and return as freshly zeroed pages: about a quarter
    /// of a streaming image-folder epoch's CPU went to those page faults. The heap's top is
    /// trimmed only past 512 MiB free, so a steady run's peak memory is unchanged.
    public static func keepLargeBlocks() {
        hookd_keep_freed_memory(64 << 20, 512 << 20)
    }
}
