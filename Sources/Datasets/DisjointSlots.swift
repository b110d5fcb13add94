/// A buffer shared by parallel workers that each write only their own disjoint slots.
///
/// `@unchecked Sendable`: safe without a lock because no two iterations touch the same
/// element, and `concurrentPerform` returns (a join) before the buffer is read or the
/// pointer's scope ends.
struct DisjointSlots<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>

    /// Slot `index` of `size` elements.
    func slot(_ index: Int, size: Int) -> UnsafeMutableBufferPointer<Element> {
        UnsafeMutableBufferPointer(start: base + index * size, count: size)
    }
}
