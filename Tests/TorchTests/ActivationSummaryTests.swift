import CTorch
import Statistics
import Testing
@testable import Torch

@Suite("Fused activation statistics")
struct ActivationSummaryTests {
    func reference(_ t: Tensor) throws -> (mean: Double, std: Double, nearZero: Double) {
        let d = try t.to(.float64)
        return (try d.mean().item(), try d.std().item(), try t.le(0.05).to(.float64).mean().item())
    }

    func expectClose(_ a: Double, _ b: Double, rel: Double = 1e-5, _ what: String) {
        let scale = Swift.max(Swift.abs(b), 1e-12)
        #expect(Swift.abs(a - b) / scale <= rel, "\(what): \(a) vs \(b)")
    }

    @Test(arguments: [(1_000, 0.0), (100_003, 3.0), (10_000_000, 1_000.0)])
    func matchesTorchReductions(count: Int, offset: Double) throws {
        Torch.manualSeed(1)
        let t = try Tensor.randn([count]) * 0.5 + offset
        let s = try t.activationSummary()
        let r = try reference(t)
        #expect(s.count == count)
        expectClose(s[.mean], r.mean, "mean")
        expectClose(s[.std], r.std, "std")
        expectClose(s[.nearZero], r.nearZero, rel: 1e-12, "near_zero")
        #expect(s[.min] == Double(try t.min().item()))
        #expect(s[.max] == Double(try t.max().item()))
    }

    @Test func stdStaysAccurateWithAHugeOffset() throws {
        Torch.manualSeed(2)
        let t = try Tensor.randn([1_000_000]) * 1.0 + 100_000
        let s = try t.activationSummary()
        let r = try reference(t)
        expectClose(s[.std], r.std, "std with offset 1e5")
    }

    @Test func histogramFollowsHistc() throws {
        let t = try Tensor([-1, 0, 0.1, 2.5, 9.99, 10, 11], shape: [7])
        let s = try t.activationSummary(histogram: HistogramBins(count: 4, low: 0, high: 10))
        // bins of width 2.5: [0, 2.5) gets 0 and 0.1; [2.5, 5) gets 2.5; [7.5, 10] gets 9.99 and 10.
        #expect(s.histogram == [2, 1, 0, 2])
    }

    @Test func worksOnNonContiguousViews() throws {
        let t = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]).transposed(0, 1)
        let s = try t.activationSummary()
        #expect(s[.mean] == 3.5)
        #expect(s[.min] == 1 && s[.max] == 6)
    }

    @Test("Statistic lists the kernel's statistics in the kernel's order")
    func statisticsMatchTheKernel() {
        #expect(Statistic.allCases.count == Int(CT_STAT_COUNT))
        for statistic in Statistic.allCases {
            #expect(ct_stat_name(Int32(statistic.rawValue)).map { String(cString: $0) } == statistic.name)
        }
        #expect(ct_stat_name(Int32(CT_STAT_COUNT)) == nil)
    }

    @Test(arguments: [(1_000, 0.0), (100_003, -0.2), (10_000_000, 3.0)])
    func absMeanMatchesTorch(count: Int, offset: Double) throws {
        Torch.manualSeed(3)
        let t = try Tensor.randn([count]) + offset
        let s = try t.activationSummary([.absMean])
        expectClose(s[.absMean], try t.to(.float64).abs().mean().item(), "abs_mean")
    }

    @Test("only the statistics asked for are computed; the rest read as not computed")
    func computesWhatIsAsked() throws {
        let t = try Tensor([-2, 0, 0.5, 3, 8.5], shape: [5])
        let s = try t.activationSummary([.mean, .max], histogram: HistogramBins(count: 2, low: 0, high: 10))
        #expect(s.values.computed == [.mean, .max])
        #expect(s[.mean] == 2 && s[.max] == 8.5)
        #expect(s.values.value(.std) == nil && s[.std].isNaN && s[.nearZero].isNaN)
        #expect(s.histogram == [3, 1])
        let histogramOnly = try t.activationSummary([], histogram: .fastai)
        #expect(histogramOnly.values.computed == [] && histogramOnly.count == 5)
        #expect(histogramOnly.histogram.reduce(0, +) == 4)
    }

    @Test("histogram counts equal torch.histc on every bin edge and one float step either side",
          arguments: FixtureFamilies.histogram)
    func histogramMatchesHistcOnEdges(_ name: String) throws {
        let f = try Fixture.load(name)
        let bins = try #require(f.config["bins"] as? Int)
        let lo = try #require(f.config["min"] as? Double), hi = try #require(f.config["max"] as? Double)
        // ±Inf are outside [lo, hi] for histc too; NaN is ignored by hookd (histc 1.13 puts it in
        // bin 0 through an out-of-range index), so neither may change a count.
        let x = try f.doubles("x").map(Float.init) + [.infinity, -.infinity, .nan]
        let s = try Tensor(x, shape: [x.count]).activationSummary([], histogram: HistogramBins(count: bins, low: lo, high: hi))
        #expect(s.histogram == (try f.doubles("counts")).map { Int64($0) })
    }

    @Test("per-channel activity equals PyTorch's (x > 0).any over every dim but 1",
          arguments: FixtureFamilies.activeChannels)
    func activeChannelsMatchTorch(_ name: String) throws {
        let f = try Fixture.load(name)
        let x = try Tensor(try f.doubles("x").map(Float.init), shape: try f.shape("x"))
        let expected = try f.doubles("active").map { UInt8($0) }
        // Alone, and beside every statistic and a histogram: the flags do not depend on the mask.
        // With two threads a large tensor is split into ranges that start and end inside planes.
        let threads = Torch.threads
        defer { Torch.threads = threads }
        for count in [1, 2] {
            Torch.threads = count
            #expect(try x.activationSummary([], activeChannels: true).activeChannels == expected, "\(count) threads")
        }
        let full = try x.activationSummary(.all, histogram: .fastai, activeChannels: true)
        #expect(full.activeChannels == expected)
        #expect(full.values == (try x.activationSummary(.all, histogram: .fastai)).values)
    }

    @Test("NaN and -inf leave a channel dead, +inf makes it active; views and 1-D tensors work")
    func activeChannelsEdgeValues() throws {
        let nan = Float.nan, inf = Float.infinity
        // (2, 4, 2): channel 0 NaN and negatives, 1 -inf, 2 one +inf, 3 one positive at the end.
        let x = try Tensor([nan, -1, -inf, -inf, -1, inf, 0, 0,
                            -2, nan, -inf, -0.0, -3, -4, -0.0, 0.5], shape: [2, 4, 2])
        #expect(try x.activationSummary([.mean], activeChannels: true).activeChannels == [0, 0, 1, 1])
        // A transposed view is read as its (contiguous) values: channel = its dim 1.
        let t = try Tensor([-1, 1, -2, -3, 0, -4], shape: [2, 3]).transposed(0, 1)  // (3, 2); its storage read as (3, 2) would give [0, 1]
        #expect(try t.activationSummary([], activeChannels: true).activeChannels == [1, 0])
        #expect(try Tensor([-1, 0, 2], shape: [3]).activationSummary([], activeChannels: true).activeChannels == [1])
        #expect(try Tensor([-1, 0], shape: [2]).activationSummary([], activeChannels: true).activeChannels == [0])
        #expect(try x.activationSummary(.all).activeChannels.isEmpty)
    }
}
