import RolloutCLI

await RolloutMain.run()
