import Foundation
import Testing
@testable import HookKit
@testable import Torch

@Suite("fastai acceptance: hooks")
struct HookTests {
    /// fastai's test: a backward hook on Linear(5, 10) with loss mean(y²) stores 2·y / numel.
    @Test func backwardHookStoresGradientOfOutput() throws {
        let linear = try Linear(5, 10)
        let hook = hookOutput(linear, grad: true)
        defer { hook.remove() }
        let x = try Tensor.randn([4, 5])
        let y = try linear(x)
        try y.square().mean().backward()
        let stored = try #require(hook.stored)
        let expected = try (y.detached() * 2) / Double(y.count)
        #expect(stored.shape == [4, 10])
        // Autograd scales by 1/numel in another order than 2·y/numel: equal to float rounding (fastai: test_close).
        expectClose(try stored.doubles(), try expected.doubles(), "grad of mean(y²)", rtol: 1e-6, atol: 1e-9)
        #expect(try stored.floats() != y.detached().floats())
        #expect(!stored.requiresGrad)
    }

    /// fastai's test: `hook_outputs` over Linear, ReLU, Linear stores the three intermediate outputs.
    @Test func forwardHooksStoreEveryIntermediateOutput() throws {
        let l1 = try Linear(5, 10), relu = ReLU(), l2 = try Linear(10, 3)
        let model = Sequential(l1, relu, l2)
        let x = try Tensor.randn([4, 5])
        try withHooks([l1, relu, l2], { _, _, output in output }) { hooks in
            let y = try model(x)
            let a = try Functional.linear(x, weight: l1.weight, bias: l1.bias)
            let b = try a.relu()
            let c = try Functional.linear(b, weight: l2.weight, bias: l2.bias)
            let stored = try hooks.stored.map { try #require($0) }
            #expect(hooks.count == 3)
            #expect(try stored[0].floats() == a.floats())
            #expect(try stored[1].floats() == b.floats())
            #expect(try stored[2].floats() == c.floats())
            #expect(try y.floats() == c.floats())
            #expect(stored.allSatisfy { !$0.requiresGrad })
        }
        let outputs = hookOutputs([l1, l2])
        _ = try model(x)
        #expect(outputs.stored.map { $0?.shape } == [[4, 10], [4, 3]])
        outputs.remove()
    }

    @Test func removeIsIdempotentAndRemovedHookNeverFiresAgain() throws {
        let linear = try Linear(2, 2)
        var calls = 0
        let hook = Hook(linear) { _, _, _ in calls += 1; return calls }
        _ = try linear(try Tensor.ones([1, 2]))
        #expect(calls == 1 && hook.stored == 1)
        hook.remove()
        hook.remove()
        #expect(hook.isRemoved)
        _ = try linear(try Tensor.ones([1, 2]))
        _ = try linear(try Tensor.ones([1, 2]))
        #expect(calls == 1)
        #expect(hook.stored == 1)
        #expect(linear.hookTable.count == 0)
    }

    @Test func hookCanRemoveItselfAndALaterHookFromInside() throws {
        let linear = try Linear(2, 2)
        var selfCalls = 0, laterCalls = 0
        var later: Hook<Void>?
        var selfRemoving: Hook<Void>?
        selfRemoving = Hook(linear) { _, _, _ in
            selfCalls += 1
            selfRemoving?.remove()
            later?.remove()
        }
        later = Hook(linear) { _, _, _ in laterCalls += 1 }
        _ = try linear(try Tensor.ones([1, 2]))
        _ = try linear(try Tensor.ones([1, 2]))
        #expect(selfCalls == 1)
        #expect(laterCalls == 0)
        #expect(linear.hookTable.count == 0)
        withExtendedLifetime((selfRemoving, later)) {}
    }

    @Test func backwardHookCanRemoveItselfDuringBackward() throws {
        let linear = try Linear(3, 3)
        var calls = 0
        var hook: Hook<Void>?
        hook = Hook(linear, kind: .backward) { _, _, _ in calls += 1; hook?.remove() }
        for _ in 0..<2 { try linear(try Tensor.randn([2, 3])).sum().backward() }
        #expect(calls == 1)
        #expect(hook?.isRemoved == true)
    }

    struct Failure: Error {}

    @Test func scopedHooksAreRemovedWhenTheBodyThrows() throws {
        let linear = try Linear(2, 2)
        var calls = 0
        #expect(throws: Failure.self) {
            try withHook(linear, { _, _, _ in calls += 1 }) { _ in
                _ = try linear(try Tensor.ones([1, 2]))
                throw Failure()
            }
        }
        #expect(calls == 1)
        let a = try Linear(2, 2), b = ReLU()
        #expect(throws: Failure.self) {
            try withHooks([a, b], { _, _, _ in calls += 1 }) { hooks in
                #expect(hooks.count == 2)
                throw Failure()
            }
        }
        _ = try linear(try Tensor.ones([1, 2]))
        _ = try b(try a(try Tensor.ones([1, 2])))
        #expect(calls == 1)
        #expect(linear.hookTable.count == 0 && a.hookTable.count == 0 && b.hookTable.count == 0)
        // A hook whose own closure throws propagates the error out of the forward, and is still removed.
        #expect(throws: Failure.self) {
            try withHook(linear, { _, _, _ in throw Failure() }) { _ in _ = try linear(try Tensor.ones([1, 2])) }
        }
        #expect(linear.hookTable.count == 0)
    }

    @Test func releasedHookStopsFiring() throws {
        let linear = try Linear(2, 2)
        var calls = 0
        do {
            let hook = Hook(linear) { _, _, _ in calls += 1 }
            _ = try linear(try Tensor.ones([1, 2]))
            withExtendedLifetime(hook) {}
        }
        #expect(calls == 1)
        _ = try linear(try Tensor.ones([1, 2]))
        #expect(calls == 1)
        #expect(linear.hookTable.count == 0)
        // The same for a released backward hook.
        var grads = 0
        do {
            let hook = Hook(linear, kind: .backward) { _, _, _ in grads += 1 }
            try linear(try Tensor.ones([1, 2])).sum().backward()
            withExtendedLifetime(hook) {}
        }
        try linear(try Tensor.ones([1, 2])).sum().backward()
        #expect(grads == 1)
    }

    /// With an input that requires grad, a backward hook gets (gradInput, gradOutput), as autograd computes them.
    @Test func backwardHookGivesGradInputWhenTheInputRequiresGrad() throws {
        let linear = try Linear(5, 3)
        let x = try Tensor.randn([4, 5]).requiresGrad(true)
        let upstream = try Tensor.randn([4, 3])
        var gradInput: Tensor?
        var gradOutput: Tensor?
        let hook = Hook(linear, kind: .backward) { _, gIn, gOut in
            gradInput = gIn
            gradOutput = gOut
        }
        defer { hook.remove() }
        let y = try linear(x)
        try (y * upstream).sum().backward()
        // dL/dy = upstream; dL/dx = upstream · W, which autograd left in x.grad.
        #expect(try #require(gradOutput).floats() == upstream.floats())
        let gIn = try #require(gradInput)
        #expect(gIn.shape == [4, 5])
        #expect(try gIn.floats() == #require(x.grad).floats())
        let manual = try upstream.matmul(linear.weight.detached())
        let diffs = try zip(gIn.floats(), manual.floats()).map { Swift.abs($0 - $1) }
        #expect(diffs.allSatisfy { $0 < 1e-6 })

        // Without an input that requires grad there is no gradInput.
        gradInput = nil
        try (linear(try Tensor.randn([4, 5])) * upstream).sum().backward()
        #expect(gradInput == nil)
        #expect(gradOutput != nil)
    }
}
