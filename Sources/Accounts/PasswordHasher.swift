import HummingbirdBcrypt

/// Turns passwords into stored hashes and checks them. Slow on purpose (bcrypt): a stolen
/// table of hashes must not give up its passwords.
public protocol PasswordHasher: Sendable {
    func hash(_ password: String) -> String
    func verify(_ password: String, hash: String) -> Bool
}

/// bcrypt (hummingbird-auth's), at a work factor of 2^cost rounds. Each step of cost doubles
/// the time: 10 takes about 60 ms a hash on this project's machine; tests use 4, the least.
public struct BcryptHasher: PasswordHasher {
    public var cost: UInt8

    public init(cost: UInt8 = 10) {
        precondition((4...31).contains(cost), "bcrypt's cost is 4 to 31")
        self.cost = cost
    }

    public func hash(_ password: String) -> String { Bcrypt.hash(password, cost: cost) }
    public func verify(_ password: String, hash: String) -> Bool { Bcrypt.verify(password, hash: hash) }
}
