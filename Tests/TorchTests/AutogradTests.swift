import Testing
@testable import Torch

@Suite("Autograd")
struct AutogradTests {
    @Test func gradientOfSumOfSquaresIsTwiceTheInput() throws {
        let x = try Tensor([1, -2, 3]).requiresGrad(true)
        try (x * x).sum().backward()
        #expect(try x.grad?.floats() == [2, -4, 6])
        try x.setGrad(nil)
        #expect(x.grad == nil)
    }

    @Test func noGradScopeRecordsNothingAndRestoresTheMode() throws {
        let x = try Tensor([1, 2]).requiresGrad(true)
        let y = try withNoGrad { try x * 2 }
        #expect(!y.requiresGrad)
        #expect(try (x * 2).requiresGrad)
    }

    @Test func gradHookSeesAndCanReplaceTheGradient() throws {
        let x = try Tensor([1, 2, 3]).requiresGrad(true)
        let y = try x * 3
        var seen: [Float] = []
        let hook = try y.registerGradHook { g in
            seen = try g.floats()
            return try g * 0
        }
        try y.sum().backward()
        #expect(seen == [1, 1, 1])
        #expect(try x.grad?.floats() == [0, 0, 0])
        hook.remove()
        hook.remove() // idempotent
        #expect(hook.isRemoved)
    }

    @Test func removedGradHookNeverFires() throws {
        let x = try Tensor([1, 2]).requiresGrad(true)
        let y = try x * 2
        var calls = 0
        let hook = try y.registerGradHook { _ in calls += 1; return nil }
        hook.remove()
        try y.sum().backward()
        #expect(calls == 0)
        #expect(try x.grad?.floats() == [2, 2])
    }

    @Test func hookRemovingItselfIsSafe() throws {
        let x = try Tensor([1, 2]).requiresGrad(true)
        let y = try x * 2
        var calls = 0
        var handle: GradHookHandle?
        handle = try y.registerGradHook { _ in
            calls += 1
            handle?.remove()
            return nil
        }
        try y.sum().backward(retainGraph: true)
        try y.sum().backward()
        #expect(calls == 1)
    }

    @Test func hookContextIsReleasedWithTheTensor() throws {
        final class Marker {}
        weak var weakMarker: Marker?
        do {
            let marker = Marker()
            weakMarker = marker
            let x = try Tensor([1]).requiresGrad(true)
            let y = try x * 2
            _ = try y.registerGradHook { _ in _ = marker; return nil }
        }
        #expect(weakMarker == nil)
    }
}
