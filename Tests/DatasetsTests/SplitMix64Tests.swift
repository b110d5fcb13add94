import Testing

@testable import Datasets

@Suite("SplitMix64")
struct SplitMix64Tests {
    @Test("matches the reference sequence for seed 0")
    func reference() {
        // From the reference C implementation (Vigna, splitmix64.c).
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(rng.next() == 0x06C4_5D18_8009_454F)
    }

    @Test("next(below:) stays in range and covers it evenly")
    func bounded() {
        var rng = SplitMix64(seed: 7)
        var counts = [Int](repeating: 0, count: 6)
        for _ in 0..<60_000 {
            let v = rng.next(below: 6)
            counts[v] += 1
        }
        // 10000 expected per bucket; 5 sigma is about ±460.
        #expect(counts.allSatisfy { abs($0 - 10_000) < 500 }, "\(counts)")
        #expect(rng.next(below: 1) == 0)
    }

    @Test("permutation is a permutation, and seeded")
    func permutation() {
        var a = SplitMix64(seed: 3)
        var b = SplitMix64(seed: 3)
        let p = a.permutation(1000)
        #expect(p.sorted() == Array(0..<1000))
        #expect(p != Array(0..<1000))
        #expect(b.permutation(1000) == p)
        #expect(a.permutation(0) == [])
        #expect(a.permutation(1) == [0])
    }
}
