import AutopilotEmulator
import RolloutLanguage
import Testing

@Suite struct PlannerTests {
    @Test func planShowsCallsBranchesAndRedactsSecrets() {
        let text = """
            use cluster demo
            use namespace monitoring
            let DB_PASSWORD = hunter2
            set tag v2
            set value basic.mysql_password = ${DB_PASSWORD}
            set value basic.storage_size = 20G
            upgrade testwww
            wait deployed timeout 5m
            else rollback 1
            expect tag == v2
            """
        let (script, _) = Parser.parse(SourceFile(name: "deploy.rollout", text: text))
        let plan = Planner.plan(script, name: "deploy.rollout", resolveCluster: { DemoData.clusterAliases[$0] ?? $0 })
        #expect(plan == """
            plan for deploy.rollout (nothing is sent)
            1. deploy.rollout:1  use cluster demo
            2. deploy.rollout:2  use namespace monitoring
            3. deploy.rollout:3  let DB_PASSWORD = ******
            4. deploy.rollout:4  set tag v2
            5. deploy.rollout:5  set value basic.mysql_password = ${DB_PASSWORD}
            6. deploy.rollout:6  set value basic.storage_size = 20G
            7. deploy.rollout:7  upgrade testwww
                 GET    /autopilot/cam/v3/clusters/a870253f-5dc7-11ee-bf71-0255ac100b03/namespace/monitoring/releases/testwww   (version and chart now)
                 GET    /autopilot/v2/charts   (the id of testwww's chart)
                 PUT    /autopilot/cam/v3/clusters/a870253f-5dc7-11ee-bf71-0255ac100b03/namespace/monitoring/releases/testwww
                        {"action":"upgrade","chart_id":"<chart of testwww>","parameters":{},"values":{"basic":{"mysql_password":"******","storage_size":"20G"},"imageTag":"v2"}}
            8. deploy.rollout:8  wait deployed timeout 5m
                 GET    /autopilot/cam/v3/clusters/a870253f-5dc7-11ee-bf71-0255ac100b03/namespace/monitoring/releases/testwww   (every 1s, backing off to 10s, until DEPLOYED; FAILED, UNKNOWN or 5m fail it)
               if it fails:
               9. deploy.rollout:9  rollback to 1
                    GET    /autopilot/cam/v3/clusters/a870253f-5dc7-11ee-bf71-0255ac100b03/namespace/monitoring/releases/testwww   (version now)
                    GET    /autopilot/cam/v3/clusters/a870253f-5dc7-11ee-bf71-0255ac100b03/namespace/monitoring/releases/testwww/history   (the version to roll back to)
                    GET    /autopilot/v2/charts   (the id of that version's chart)
                    PUT    /autopilot/cam/v3/clusters/a870253f-5dc7-11ee-bf71-0255ac100b03/namespace/monitoring/releases/testwww
                           {"action":"rollback","chart_id":"<chart of that version>","parameters":{"release_version":1},"values":{}}
            10. deploy.rollout:10  expect tag == v2
                 GET    /autopilot/cam/v3/clusters/a870253f-5dc7-11ee-bf71-0255ac100b03/namespace/monitoring/releases/testwww   (then check tag == v2)

            """)
        #expect(!plan.contains("hunter2"))
    }
}
