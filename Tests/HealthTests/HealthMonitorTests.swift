import Health
import Statistics
import Testing

/// Each rule over synthetic record sequences: the batch it fires at, once per episode, re-arming.
@Suite struct HealthMonitorTests {
    /// Feeds `values(batch)` for `batches` batches of one layer; returns the events by batch.
    private func run(_ policy: HealthPolicy = HealthPolicy(), path: String = "0", kind: SignalKind = .forward,
                     batches: Int, _ values: (Int) -> [Statistic: Double]) -> [AlertEvent] {
        let monitor = HealthMonitor(policy: policy)
        var events: [AlertEvent] = []
        for batch in 0..<batches {
            monitor.observe(path: path, kind: kind, batch: batch, epoch: 0, values: StatValues(values(batch)))
            events += monitor.drain()
        }
        return events
    }

    private func losses(_ values: [Double], policy: HealthPolicy = HealthPolicy()) -> [AlertEvent] {
        let monitor = HealthMonitor(policy: policy)
        var events: [AlertEvent] = []
        for (batch, value) in values.enumerated() {
            monitor.observeLoss(value, batch: batch, epoch: 0)
            events += monitor.drain()
        }
        return events
    }

    @Test func nonFiniteLayerStatisticFiresAtOnceAndStopsByDefault() {
        let events = run(batches: 20) { $0 >= 7 ? [.mean: .nan, .std: 1] : [.mean: 0, .std: 1] }
        #expect(events.map(\.batch) == [7])
        #expect(events[0].rule == .nonFinite && events[0].action == .stop && events[0].path == "0")
        #expect(events[0].message.contains("mean of 0 (forward)") && events[0].message.contains("batch 7"))
    }

    @Test func nonFiniteRearmsAfterAFiniteWindow() {
        let events = run(batches: 10) { [3, 4, 8].contains($0) ? [.max: .infinity] : [.max: 1] }
        #expect(events.map(\.batch) == [3, 8])
    }

    @Test func nonFiniteLoss() {
        let events = losses([2, 2, .nan, .nan, 2, .infinity])
        #expect(events.map(\.batch) == [2, 5] && events.allSatisfy { $0.rule == .nonFinite && $0.kind == .loss })
    }

    @Test func vanishingGradientNeedsAWindowOfBackwardBatches() {
        let tiny: (Int) -> [Statistic: Double] = { ($0 >= 5 && $0 < 30) || $0 >= 45 ? [.absMean: 1e-9] : [.absMean: 1e-3] }
        let events = run(kind: .backward, batches: 60, tiny)
        // Fires at the 10th vanished batch; re-arms after 10 healthy ones (30...39).
        #expect(events.map(\.batch) == [14, 54])
        #expect(events.allSatisfy { $0.rule == .vanishingGradient && $0.threshold == 1e-7 })
        #expect(run(kind: .forward, batches: 60, tiny).isEmpty, "forward activations are not gradients")
    }

    @Test func explodingComparesWithTheBaselineMedian() {
        let events = run(batches: 80) { batch in
            batch < 50 ? [.std: batch % 2 == 0 ? 1 : 3] : batch == 60 ? [.std: 250] : [.std: 2]
        }
        // Median of the first 50 sizes is 2: 250 > 100 × 2.
        #expect(events.map(\.batch) == [60])
        #expect(events[0].value == 250 && events[0].threshold == 200)
    }

    @Test func explodingFallsBackToMaxAbsWithoutStd() {
        let policy = HealthPolicy([RuleOverride(rule: .exploding, parameters: [.baseline: 4, .factor: 10])])
        let events = run(policy, batches: 10) { $0 == 6 ? [.min: -50, .max: 1] : [.min: -1, .max: 1] }
        #expect(events.map(\.batch) == [6])
    }

    @Test func lossDivergenceAfterWarmUp() {
        let policy = HealthPolicy([RuleOverride(rule: .lossDivergence, parameters: [.warmUp: 5, .window: 3])])
        // Best 1.0; 4.0 > 3 × 1.0 from batch 10 on: the third such batch fires.
        var values = [Double](repeating: 2, count: 10)
        values[3] = 1
        values[1] = 100 // during warm-up: not judged
        values += [Double](repeating: 4, count: 10)
        let events = losses(values, policy: policy)
        #expect(events.map(\.batch) == [12])
        #expect(events[0].rule == .lossDivergence && events[0].threshold == 3)
    }

    @Test func saturatedForwardLayer() {
        let policy = HealthPolicy([RuleOverride(rule: .saturated, parameters: [.window: 4])])
        let events = run(policy, batches: 30) { $0 >= 10 && $0 < 14 || $0 >= 20 ? [.nearZero: 0.99] : [.nearZero: 0.5] }
        #expect(events.map(\.batch) == [13, 23])
    }

    @Test func disabledRulesAndOverrides() {
        let off = HealthPolicy([RuleOverride(rule: .nonFinite, enabled: false)])
        #expect(run(off, batches: 5) { _ in [.mean: .nan] }.isEmpty)
        let warn = HealthPolicy([RuleOverride(rule: .nonFinite, action: .warn)])
        #expect(run(warn, batches: 5) { _ in [.mean: .nan] }.map(\.action) == [.warn])
        let noDeadUnits = HealthPolicy([RuleOverride(rule: .deadUnits, enabled: false)])
        #expect(deadUnits(noDeadUnits, channels: 4, batches: 200) { _, _ in false }.isEmpty)
    }

    @Test func layersAreIndependent() {
        let monitor = HealthMonitor(policy: HealthPolicy())
        monitor.observe(path: "a", kind: .forward, batch: 0, epoch: 0, values: StatValues([.mean: .nan]))
        monitor.observe(path: "b", kind: .forward, batch: 0, epoch: 0, values: StatValues([.mean: .nan]))
        monitor.observe(path: "a", kind: .backward, batch: 0, epoch: 0, values: StatValues([.mean: .nan]))
        #expect(monitor.drain().map { "\($0.path)/\($0.kind.rawValue)" } == ["a/forward", "b/forward", "a/backward"])
        #expect(monitor.drain().isEmpty)
    }

    @Test func aReopenedEpisodeIsNotRaisedAgainUntilItHasEnded() {
        let monitor = HealthMonitor(policy: HealthPolicy())
        monitor.reopen(.nonFinite, path: "0", kind: .forward)
        monitor.reopen(.nonFinite, path: "loss", kind: .loss)
        for (batch, mean) in [(10, Double.nan), (11, .nan), (12, 0), (13, .nan)] {
            monitor.observe(path: "0", kind: .forward, batch: batch, epoch: 0, values: StatValues([.mean: mean]))
            monitor.observeLoss(.nan, batch: batch, epoch: 0)
        }
        // The layer's episode ended at batch 12 and a new one starts at 13; the loss never recovered.
        #expect(monitor.drain().map { "\($0.path) \($0.batch)" } == ["0 13"])
    }

    /// Feeds one layer's channel flags, `active(batch, channel)`, for `batches` batches.
    private func deadUnits(_ policy: HealthPolicy = HealthPolicy(), channels: Int, batches: Int,
                           _ active: (Int, Int) -> Bool) -> [AlertEvent] {
        let monitor = HealthMonitor(policy: policy)
        var events: [AlertEvent] = []
        for batch in 0..<batches {
            let flags = (0..<channels).map { UInt8(active(batch, $0) ? 1 : 0) }
            monitor.observe(path: "conv", kind: .forward, batch: batch, epoch: 0, values: StatValues([.mean: 0]), activeChannels: flags)
            events += monitor.drain()
        }
        return events
    }

    @Test func deadUnitsFiresOnceTheWindowHoldsMoreThanHalfTheChannelsNeverActive() {
        // 3 of 4 channels never fire: judged from the 100th batch (a full window) on, once.
        let events = deadUnits(channels: 4, batches: 300) { _, channel in channel == 0 }
        #expect(events.map(\.batch) == [99])
        #expect(events.first?.rule == .deadUnits && events.first?.value == 0.75 && events.first?.threshold == 0.5)
        #expect(events.first?.action == .warn && events.first?.message.contains("75% of the channels of conv (forward)") == true)
        // Exactly half dead is not more than half.
        #expect(deadUnits(channels: 4, batches: 300) { _, channel in channel < 2 }.isEmpty)
    }

    @Test func aUnitActiveInOnePercentOfTheWindowIsAlive() {
        let policy = HealthPolicy([RuleOverride(rule: .deadUnits, parameters: [.window: 200])])
        // Channels 1...3 fire on every 100th batch: 2 of 200 batches = 1%, not under it.
        #expect(deadUnits(policy, channels: 4, batches: 600) { batch, _ in batch % 100 == 0 }.isEmpty)
        // Every 150th batch: the window 1...200 holds only one (0.5%); the episode lasts, as
        // windows with one keep coming within 200 batches of each other.
        #expect(deadUnits(policy, channels: 4, batches: 600) { batch, _ in batch % 150 == 0 }.map(\.batch) == [200])
    }

    @Test func deadUnitsSlidesItsWindowAndRearmsAfterAWindowOfCalm() {
        let policy = HealthPolicy([RuleOverride(rule: .deadUnits, parameters: [.window: 10])])
        // All channels dead from batch 20 to 59, alive again (batch 60 on), dead from 100.
        let dead: (Int) -> Bool = { ($0 >= 20 && $0 < 60) || $0 >= 100 }
        let events = deadUnits(policy, channels: 3, batches: 140) { batch, _ in !dead(batch) }
        // The window is all dead at 29; alive from 60 on, calm for 10 batches ends the episode.
        #expect(events.map(\.batch) == [29, 109])
    }

    @Test func aReopenedDeadUnitsEpisodeIsNotRaisedTwice() {
        let monitor = HealthMonitor(policy: HealthPolicy([RuleOverride(rule: .deadUnits, parameters: [.window: 5])]))
        monitor.reopen(.deadUnits, path: "conv", kind: .forward)
        for batch in 0..<20 {
            monitor.observe(path: "conv", kind: .forward, batch: batch, epoch: 0, values: StatValues(), activeChannels: [0, 0])
        }
        #expect(monitor.drain().isEmpty)
    }
}
