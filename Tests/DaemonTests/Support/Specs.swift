/// Run specs small enough for tests: simple_cnn on synthetic 1x28x28 images (~3 ms a batch on 2 cores).
enum Specs {
    /// `batches` training batches of 16 images per epoch, `epochs` epochs; default hooks (leaf modules with params).
    static func synthetic(name: String = "test", epochs: Int = 1, batches: Int = 64, hooks: String? = nil) -> String {
        let hooksJSON = hooks.map { #","hooks":\#($0)"# } ?? ""
        return #"""
        {"name":"\#(name)","model":{"arch":"simple_cnn","channels":[1,8,16,10],"batch_norm":true},\#
        "data":{"format":"synthetic","shape":[1,28,28],"classes":10,"train_count":\#(batches * 16),"valid_count":64},\#
        "train":{"epochs":\#(epochs),"batch_size":16,"seed":7,"threads":1}\#(hooksJSON)}
        """#
    }

    /// The modules `"params"` hooks on that model (leaves with parameters).
    static let hookedByDefault = ["0.0", "0.1", "1.0", "1.1", "2.0"]
}

extension Specs {
    /// One rank's spec of a 2-rank data-parallel run: a tiny MLP on synthetic 1x8x8 images,
    /// `trainCount / 16` batches of 8 per rank and epoch, Adam on a one-cycle schedule (state
    /// that a resume must carry: moments, step count, position).
    static func dataParallel(rank: Int, master: String, epochs: Int, trainCount: Int = 256, timeout: Int = 30,
                             hooks: String? = nil) -> String {
        let hooks = hooks.map { #","hooks":\#($0)"# } ?? ""
        return #"""
        {"name":"ddp","model":{"arch":"mlp","layers":[64,16,4]},\#
        "data":{"format":"synthetic","shape":[1,8,8],"classes":4,"train_count":\#(trainCount),"valid_count":16},\#
        "train":{"epochs":\#(epochs),"batch_size":8,"optimizer":"adam","lr":0.003,"seed":7,"threads":1,\#
        "distributed":{"world_size":2,"rank":\#(rank),"master":"\#(master)","timeout_seconds":\#(timeout)}}\#(hooks)}
        """#
    }
}
