extension Endpoints {
    /// Every route of API v1.
    func router() -> Router {
        var router = Router()
        router.add("GET", "/healthz", operation: .probe, audited: false, health)
        router.add("GET", "/readyz", operation: .probe, audited: false, readiness)
        router.add("POST", "/v1/unseal", operation: .probe, unseal)
        router.add("GET", "/metrics", operation: .metrics, metricsText)

        router.add("POST", "/v1/subjects", operation: .ingest) { try ingest(.subjects, $0, $1) }
        router.add("POST", "/v1/events", operation: .ingest) { try ingest(.events, $0, $1) }

        router.add("GET", "/v1/subjects/lookup", operation: .subjectRead, lookup)
        router.add("GET", "/v1/subjects/{id}", operation: .subjectRead, subject)
        router.add("POST", "/v1/subjects/{id}/export", operation: .dataSubjectRequest, export)
        router.add("DELETE", "/v1/subjects/{id}", operation: .dataSubjectRequest, erase)
        router.add("PATCH", "/v1/subjects/{id}", operation: .dataSubjectRequest, rectify)
        router.add("POST", "/v1/subjects/{id}/consents", operation: .dataSubjectRequest, recordConsent)

        router.add("GET", "/v1/dsr", operation: .dataSubjectRequest, listDSR)
        router.add("POST", "/v1/dsr", operation: .dataSubjectRequest, openDSR)
        router.add("POST", "/v1/dsr/{id}/extend", operation: .dataSubjectRequest, extendDSR)
        router.add("POST", "/v1/dsr/{id}/complete", operation: .dataSubjectRequest, completeDSR)

        registerRegisterRoutes(&router)  // the DPO's registers: Endpoints+Breaches.swift, Endpoints+Registers.swift
        router.add("GET", "/v1/audit/entries", operation: .auditRead, auditEntries)
        router.add("GET", "/v1/audit/entries/relay", operation: .auditSearchRelay, relayedAuditEntries)
        router.add("GET", "/v1/audit/checkpoint", operation: .auditVerify, auditCheckpoint)
        router.add("GET", "/v1/audit/proof/inclusion", operation: .auditVerify, inclusionProof)
        router.add("GET", "/v1/audit/proof/consistency", operation: .auditVerify, consistencyProof)
        router.add("GET", "/v1/audit/pubkey", operation: .auditVerify, auditPublicKey)
        router.add("GET", "/v1/audit/cosignatures", operation: .auditVerify, listCosignatures)
        router.add("POST", "/v1/audit/cosignatures", operation: .witness, receiveCosignatures)
        // A coordinator's DPO views over every node's trail (Endpoints+Federation.swift,
        // decision 0027); a region node answers them 404 not_a_coordinator.
        router.add("GET", "/v1/federation/checkpoints", operation: .auditVerify, federatedCheckpoints)
        router.add("GET", "/v1/federation/audit/entries", operation: .auditRead, federatedAuditEntries)

        router.add("POST", "/v1/query", operation: .query, query)
        router.add("POST", "/v1/query/release", operation: .queryRelay, queryRelease)
        router.add("GET", "/v1/budget", operation: .budget, budget)
        router.add("GET", "/v1/queries", operation: .query, savedQueries)
        router.add("POST", "/v1/queries", operation: .query, saveQuery)
        router.add("POST", "/v1/queries/{name}/run", operation: .query, runSavedQuery)

        router.add("GET", "/v1/policies", operation: .policyRead, policies)
        router.add("GET", "/v1/policies/{id}", operation: .policyRead, policy)
        router.add("GET", "/v1/regions", operation: .regionDirectory, regions)

        router.add("POST", "/v1/retention/run", operation: .retention, runRetention)
        router.add("GET", "/v1/stores/verify", operation: .storeVerify, verifyStores)
        router.add("POST", "/v1/backups", operation: .backup, createBackup)
        router.add("GET", "/v1/tokens", operation: .tokenAdmin, listTokens)
        router.add("POST", "/v1/tokens", operation: .tokenAdmin, createToken)
        router.add("DELETE", "/v1/tokens/{id}", operation: .tokenAdmin, revokeToken)

        // The console (Endpoints+Console.swift, decision 0016): static files without a token,
        // not audited (the API calls the page makes are); the caller's own token; key status.
        router.add("GET", "/v1/whoami", operation: .whoami, whoami)
        router.add("GET", "/v1/keys", operation: .keyStatus, keyStatus)
        router.add("GET", "/console", operation: .consoleAsset, audited: false, consoleIndex)
        router.add("GET", "/console/{asset}", operation: .consoleAsset, audited: false, consoleAsset)
        router.add("GET", "/console/vendor/chart.js", operation: .consoleAsset, audited: false, consoleChartJS)
        if let coordinator = configuration.coordinator {
            // A coordinator holds no person: these routes name the nodes (decision 0027).
            router.redirect([.ingest, .subjectRead, .dataSubjectRequest]) { request, context in
                try refuseOnCoordinator(coordinator, request, context)
            }
        }
        return router
    }
}
