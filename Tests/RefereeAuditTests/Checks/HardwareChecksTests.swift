import RefereeCore
import Testing
import RefereeLogs
@testable import RefereeAudit

@Suite struct HardwareChecksTests {
    let th = ["gpu_count": 8.0]
    let params = ["gpu_model": "H100"]

    @Test func passesOnEightH100() {
        let r = Build.check("hardware.gpus", Build.context(Build.threeSeeds()), thresholds: th, parameters: params)
        #expect(r.status == .pass)
        #expect(r.evidence.count == 3)
    }

    @Test(arguments: [("NVIDIA H200", 8), ("NVIDIA H100 80GB HBM3", 2)])
    func failsOnOtherHardwareMixedIn(model: String, count: Int) {
        var logs = Build.threeSeeds()
        logs[1] = Build.log(Build.run(file: "train_seed2.log", seed: 2, gpu: (model, count)))
        let r = Build.check("hardware.gpus", Build.context(logs), thresholds: th, parameters: params)
        #expect(r.status == .fail)
        #expect(r.evidence.first?.location?.description == "train_seed2.log:10")
    }

    @Test func failsOnAWrongWorldSizeWithoutATable() {
        let r = Build.check("hardware.gpus", Build.context([Build.log(Build.run(gpu: nil, world: 2))]), thresholds: th, parameters: params)
        #expect(r.status == .fail)
    }

    @Test func unverifiableWithoutATable() {
        let r = Build.check("hardware.gpus", Build.context([Build.log(Build.run(gpu: nil, world: 8))]), thresholds: th, parameters: params)
        #expect(r.status == .unverifiable)
        #expect(r.evidence.first?.detail.contains("world_size 8") == true)
    }
}
