import HookKit
import Statistics
import Testing
import Torch

/// Which hooks `dead_units` asks for channel activity: ReLUs and the layers right before one,
/// in module order; the others compute exactly what they did.
@Suite struct ReLULayerTests {
    @Test func reLUsAndTheLayersDirectlyBeforeThemAreJudged() throws {
        let model = Sequential(Flatten(), try Linear(8, 4), ReLU(), try Linear(4, 4), try BatchNorm1d(4), ReLU(), try Linear(4, 2))
        // 1 feeds the ReLU 2; 3 is followed by batch norm first, 4 feeds the ReLU 5; 6 is last.
        #expect(reluLayerPaths(model) == ["1", "2", "4", "5"])
        // simple_cnn's ConvLayer is conv, batch norm, ReLU (fastai v2); the last has no batch norm.
        let cnn = try simpleCNN(channels: [1, 8, 4], batchNorm: true)
        #expect(reluLayerPaths(cnn) == ["0.1", "0.2", "1.0", "1.1"])
    }

    @Test func onlyTrackedEntriesComputeChannelActivity() throws {
        let model = Sequential(Flatten(), try Linear(8, 4), ReLU(), try Linear(4, 3))
        let stats = ActivationStats(modules: [], keepInMemory: true, removeAtEnd: false)
        let request = StatRequest(scalars: [.mean])
        let early = stats.attach(path: "1", module: try #require(model.module(at: "1")), request: request)
        let judged = reluLayerPaths(model)
        stats.trackActiveChannels { $0.kind == .forward && judged.contains($0.path) }
        // Attached after: tracked as well, when eligible.
        let relu = stats.attach(path: "2", module: try #require(model.module(at: "2")), request: request)
        let last = stats.attach(path: "3", module: try #require(model.module(at: "3")), request: request)
        #expect(stats.request(for: early.id).activeChannels && stats.request(for: relu.id).activeChannels)
        #expect(!stats.request(for: last.id).activeChannels)
        let x = try Tensor([-1, 2, -3, 4, 0, 0, -1, -2, 5, -1, -1, -1], shape: [3, 4])
        #expect(try stats.summary(of: x, request: stats.request(for: relu.id)).activeChannels == [1, 1, 0, 1])
        #expect(try stats.summary(of: x, request: stats.request(for: last.id)).activeChannels.isEmpty)
        stats.reportsActiveChannels = false
        #expect(try stats.summary(of: x, request: stats.request(for: relu.id)).activeChannels.isEmpty)
    }
}
