import Foundation
import Kernel
import O2OAPI
import Stores

/// The stores as the generated operations answer them.
extension APIHandlers {
    static func store(_ s: Store) -> Components.Schemas.Store {
        .init(address: s.address, brand: s.brand, externalRef: s.externalRef, id: Int(s.id.rawValue), kind: s.kind,
              lat: s.location.latitude, lon: s.location.longitude, name: s.name, openingHours: s.openingHours,
              openingHoursKnown: s.openingHours.map(HoursValidity.shared.isValid) ?? false, phone: s.phone, timeZone: s.timeZone)
    }
}
