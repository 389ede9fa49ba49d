import Accounts
import Catalog
import Commerce
import Dispatching
import Marketing
import Orders
import Payments
import Reports
import O2OAPI
import Stores

/// The operations of `openapi.yaml` that implement the generated `APIProtocol`: each takes the
/// generated input, asks a domain service, and returns the generated output. They translate;
/// the rules are the services'. One file per area (`APIHandlers+Catalog.swift`, …).
struct APIHandlers: APIProtocol {
    let stores: StoreService
    let dispatch: DispatchService
    let catalog: CatalogService
    let accounts: AccountService
    let orders: OrderService
    let cancellations: OrderCancellation
    let carts: CartService
    let marketing: MarketingService
    let payments: PaymentService
    let reports: any ReportRepository
    let probe: ReadinessProbe
    let serverMetrics: ServerMetrics
}
