import O2OAPI

extension APIHandlers {
    func health(_ input: Operations.Health.Input) async throws -> Operations.Health.Output {
        .ok(.init(body: .json(.init(activeDeliveries: dispatch.activeDeliveryCount, riders: dispatch.riderCount,
                                    skus: stores.finder.skuCount, status: "ok", stores: stores.finder.storeCount,
                                    zones: stores.finder.zoneCount))))
    }
}
