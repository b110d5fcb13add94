import Statistics

/// Judges a run's recorded batches against a `HealthPolicy`: records in, alert events out.
///
/// Pure (no tensors, no storage) and single-threaded: the caller feeds it on the training queue,
/// layer values as they are recorded and the loss once per batch. Events go to `events`, which
/// the caller drains; each is the start of an episode, so a lasting problem raises one alert.
public final class HealthMonitor {
    public let policy: HealthPolicy
    /// Episodes that started since the caller last drained them.
    public private(set) var events: [AlertEvent] = []
    private var layers: [LayerHealth] = []
    private var index: [LayerKey: Int] = [:]
    private var loss = LossHealth()

    /// A monitor applying `policy`.
    public init(policy: HealthPolicy) {
        self.policy = policy
        events.reserveCapacity(8)
    }

    /// Hands over and forgets the events raised so far (keeping the buffer's capacity).
    public func drain() -> [AlertEvent] {
        // Nothing raised (the steady state): the empty literal allocates nothing.
        guard !events.isEmpty else { return [] }
        defer { events.removeAll(keepingCapacity: true) }
        return events
    }

    /// A unit (channel) is dead when it fired in fewer than this share of the window's batches
    /// (SageMaker Debugger's DeadRelu: 1%).
    public static let deadUnitActivity = 0.01

    /// Judges one layer's statistics of one recorded batch, and its channel flags
    /// (`ActivationSummary.activeChannels`) when the kernel reported them.
    public func observe(path: String, kind: SignalKind, batch: Int, epoch: Int, values: StatValues,
                        activeChannels: [UInt8] = []) {
        let i = slot(path, kind)
        judge(&layers[i], batch: batch, epoch: epoch, values: values)
        if !activeChannels.isEmpty { judgeActivity(&layers[i], batch: batch, epoch: epoch, flags: activeChannels) }
    }

    /// Treats the episode of `rule` on `path` as still open, for a run resumed after a restart
    /// whose stats file already holds that alert: the same episode is not raised twice. It ends,
    /// and may fire again, once its condition has been false for a window.
    public func reopen(_ rule: AlertRule, path: String, kind: SignalKind) {
        if kind == .loss {
            if rule == .nonFinite { loss.nonFinite.reopen() }
            if rule == .lossDivergence { loss.divergence.reopen() }
            return
        }
        let i = slot(path, kind)
        switch rule {
        case .nonFinite: layers[i].nonFinite.reopen()
        case .vanishingGradient: layers[i].vanishing.reopen()
        case .exploding: layers[i].exploding.reopen()
        case .saturated: layers[i].saturated.reopen()
        case .deadUnits: layers[i].deadUnits.reopen()
        case .lossDivergence: break
        }
    }

    /// Judges one training batch's loss.
    public func observeLoss(_ value: Double, batch: Int, epoch: Int) {
        let at = (batch: batch, epoch: epoch)
        var settings = policy[.nonFinite]
        if settings.enabled, loss.nonFinite.update(!value.isFinite, window: settings.window) {
            raise(.nonFinite, "loss", .loss, at, value, .nan, "the training loss is \(value) at batch \(batch)")
        }
        settings = policy[.lossDivergence]
        guard settings.enabled, value.isFinite else { return }
        loss.batches += 1
        let limit = settings.factor * loss.best
        let diverged = loss.batches > settings.warmUp && value > limit
        loss.best = min(loss.best, value)
        if loss.divergence.update(diverged, window: settings.window) {
            raise(.lossDivergence, "loss", .loss, at, value, limit,
                  "the training loss \(value) has been above \(settings.factor) × its best (\(limit / settings.factor)) for \(settings.window) batches, at batch \(batch)")
        }
    }

    /// The state of a layer, allocated the first time it is seen.
    private func slot(_ path: String, _ kind: SignalKind) -> Int {
        let key = LayerKey(path: path, kind: kind)
        if let found = index[key] { return found }
        layers.append(LayerHealth(path: path, kind: kind, baselineSize: policy[.exploding].baseline))
        index[key] = layers.count - 1
        return layers.count - 1
    }

    private func judge(_ layer: inout LayerHealth, batch: Int, epoch: Int, values: StatValues) {
        let at = (batch: batch, epoch: epoch)
        let name = "\(layer.path) (\(layer.kind.rawValue))"
        var settings = policy[.nonFinite]
        if settings.enabled {
            var bad: Statistic?
            // allCases, not `computed`'s members: iterating a static array allocates nothing.
            for statistic in Statistic.allCases where values.computed.contains(statistic) && !values[statistic].isFinite { bad = bad ?? statistic }
            if layer.nonFinite.update(bad != nil, window: settings.window), let bad {
                raise(.nonFinite, layer.path, layer.kind, at, values[bad], .nan,
                      "\(bad.name) of \(name) is \(values[bad]) at batch \(batch)")
            }
        }
        settings = policy[.vanishingGradient]
        if settings.enabled, layer.kind == .backward, let absMean = values.value(.absMean) {
            if layer.vanishing.update(absMean < settings.threshold, window: settings.window) {
                raise(.vanishingGradient, layer.path, layer.kind, at, absMean, settings.threshold,
                      "abs_mean of \(name) has been below \(settings.threshold) for \(settings.window) batches: \(absMean) at batch \(batch)")
            }
        }
        settings = policy[.exploding]
        if settings.enabled, let size = LayerHealth.size(of: values), layer.learnBaseline(size) {
            let limit = settings.factor * layer.median
            if layer.exploding.update(layer.median > 0 && size > limit, window: settings.window) {
                raise(.exploding, layer.path, layer.kind, at, size, limit,
                      "the size of \(name) is \(size) at batch \(batch), above \(settings.factor) × its baseline median \(layer.median)")
            }
        }
        settings = policy[.saturated]
        if settings.enabled, layer.kind == .forward, let share = values.value(.nearZero) {
            if layer.saturated.update(share > settings.share, window: settings.window) {
                raise(.saturated, layer.path, layer.kind, at, share, settings.share,
                      "near_zero of \(name) has been above \(settings.share) for \(settings.window) batches: \(share) at batch \(batch)")
            }
        }
    }

    private func judgeActivity(_ layer: inout LayerHealth, batch: Int, epoch: Int, flags: [UInt8]) {
        let settings = policy[.deadUnits]
        guard settings.enabled,
              let dead = layer.deadShare(flags, window: settings.window, activeShare: Self.deadUnitActivity) else { return }
        // The share already spans a window: open at once, end after a window of calm.
        if layer.deadUnits.update(dead > settings.share, opensAfter: 1, closesAfter: settings.window) {
            raise(.deadUnits, layer.path, layer.kind, (batch: batch, epoch: epoch), dead, settings.share,
                  "\(Int((dead * 100).rounded()))% of the channels of \(layer.path) (\(layer.kind.rawValue)) were > 0 in under \(Int((Self.deadUnitActivity * 100).rounded()))% of the last \(settings.window) batches, at batch \(batch)")
        }
    }

    private func raise(_ rule: AlertRule, _ path: String, _ kind: SignalKind, _ at: (batch: Int, epoch: Int),
                       _ value: Double, _ threshold: Double, _ message: String) {
        events.append(AlertEvent(rule: rule, path: path, kind: kind, batch: at.batch, epoch: at.epoch, value: value,
                                 threshold: threshold, action: policy[rule].action, message: "\(rule.name): \(message)"))
    }
}
