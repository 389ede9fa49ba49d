/// What an account may do. Customers buy; store staff run their own stores' orders and stock;
/// dispatchers run deliveries; planners read coverage; admins manage accounts and everything else.
public enum Role: String, Hashable, Sendable, CaseIterable, Codable {
    case customer
    case staff
    case dispatcher
    case planner
    case admin
}
