import Foundation
import Testing
import GeoCore
@testable import StoreImport
import Stores

@Suite("CSV, OSM and retailer store files")
struct ReaderTests {
    @Test("CSV handles quotes, doubled quotes, commas and line breaks in fields")
    func csv() throws {
        let text = "a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n2,\"two\nlines\",\r\n\n3,,z"
        let records = try CSV.parse(text)
        #expect(records.count == 4)
        #expect(records[1].fields == ["1", "x, y", "say \"hi\""])
        #expect(records[2].fields == ["2", "two\nlines", ""])
        #expect(records[3].line == 6)
        #expect(records[3].fields == ["3", "", "z"])
        #expect(throws: CSV.Error.self) { try CSV.parse("a,\"open") }
        #expect(throws: CSV.Error.self) { try CSVTable(text: "x,y\n1,2", required: ["lat"]) }
    }

    @Test("OSM shops: grocery kinds kept, others skipped, bad rows rejected with their line")
    func osm() throws {
        let text = """
            osm_type,osm_id,name,shop,lat,lon,brand,opening_hours
            node,1,Mercado,supermarket,41.15,-8.61,Pingo Doce,Mo-Su 08:00-21:00
            node,2,Livraria,books,41.15,-8.61,,
            way,3,,bakery,41.16,-8.60,,
            node,4,Far away,convenience,95,-8.6,,
            node,1,Mercado again,supermarket,41.15,-8.61,,
            node,5,Odd hours,butcher,41.15,-8.61,,"sunrise-sunset"
            """
        let (drafts, report) = try OSMShops(timeZone: "Europe/Lisbon").read(text, source: "test")
        #expect(drafts.map(\.externalRef) == ["osm:node/1", "osm:way/3", "osm:node/5"])
        #expect(drafts[1].name == "Bakery", "an unnamed shop is shown by its kind")
        #expect(drafts[0].brand == "Pingo Doce")
        #expect(report.rowsRead == 6)
        #expect(report.rowsSkipped == 1)
        #expect(report.rejected.map(\.line) == [5, 6])
        #expect(report.hoursUnknown == 1)
        #expect(report.hoursMissing == 1)
    }

    @Test("retailer CSV and GeoJSON give the same stores; bad rows are named")
    func retailerFiles() throws {
        let csv = """
            external_ref,name,brand,kind,address,phone,lat,lon,opening_hours,time_zone
            PRT-1,Loja Um,Acme,convenience,Rua A 1,+351 1,41.15,-8.61,Mo-Fr 09:00-19:00,
            PRT-2,,Acme,convenience,,,41.15,-8.61,,
            PRT-3,Loja Três,,bakery,,,41.16,-8.62,,Asia/Shanghai
            PRT-4,Loja Quatro,,bakery,,,41.16,-8.62,,Nowhere/Land
            """
        let reader = RetailerFile(defaultTimeZone: "Europe/Lisbon")
        let (rows, report) = try reader.readCSV(csv, source: "stores.csv")
        #expect(rows.map(\.draft.externalRef) == ["PRT-1", "PRT-3"])
        #expect(rows[0].draft.timeZone == "Europe/Lisbon")
        #expect(rows[1].draft.timeZone == "Asia/Shanghai")
        #expect(report.rejected.map(\.reason) == ["name is missing", "unknown time zone \"Nowhere/Land\""])

        let geojson = """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","geometry":{"type":"Point","coordinates":[-8.61,41.15]},
               "properties":{"external_ref":"PRT-1","name":"Loja Um","brand":"Acme","kind":"convenience","address":"Rua A 1","phone":"+351 1","opening_hours":"Mo-Fr 09:00-19:00"}},
              {"type":"Feature","geometry":null,"properties":{"external_ref":"PRT-9","name":"No place","kind":"bakery"}}
            ]}
            """
        let (features, geoReport) = try reader.readGeoJSON(Data(geojson.utf8), source: "stores.geojson")
        #expect(features.map(\.draft) == [rows[0].draft])
        #expect(geoReport.rejected.map(\.reference) == ["PRT-9"])
    }

    @Test("the zone rule gives tiers by kind, and the river's far bank only to stores that reach it")
    func zoneRule() {
        let river = [Coordinate(latitude: 41.14, longitude: -8.58), Coordinate(latitude: 41.14, longitude: -8.64)]
        let rule = ZoneRule(river: river, riverName: "test river")
        let nearRiver = StoreDraft(externalRef: "a", name: "a", kind: "supermarket", timeZone: "UTC",
                                   location: Coordinate(latitude: 41.15, longitude: -8.61))
        let zones = rule.zones(for: nearRiver)
        #expect(zones.filter { $0.kind == .delivery }.map(\.feeMinor) == [199, 399])
        let exclusion = zones.first { $0.kind == .exclusion }
        #expect(exclusion != nil)
        #expect(exclusion?.area.contains(Coordinate(latitude: 41.13, longitude: -8.61)) == true)
        #expect(exclusion?.area.contains(Coordinate(latitude: 41.15, longitude: -8.61)) == false)
        let far = StoreDraft(externalRef: "b", name: "b", kind: "bakery", timeZone: "UTC",
                             location: Coordinate(latitude: 41.17, longitude: -8.61))
        #expect(rule.zones(for: far).count == 1, "1.2 km from 3.3 km north of the river: no exclusion")
    }

    @Test("demo stock is the same on every run and differs by store")
    func demoStockIsDeterministic() {
        let a = DemoCatalog.stock(forStore: "osm:node/1", kind: "supermarket")
        let b = DemoCatalog.stock(forStore: "osm:node/1", kind: "supermarket")
        let c = DemoCatalog.stock(forStore: "osm:node/2", kind: "supermarket")
        #expect(a.map(\.sku) == b.map(\.sku) && a.map(\.quantity) == b.map(\.quantity))
        #expect(a.map(\.quantity) != c.map(\.quantity))
        #expect(a.count > DemoCatalog.skus.count / 2)
        let butcher = DemoCatalog.stock(forStore: "osm:node/3", kind: "butcher")
        #expect(butcher.allSatisfy { $0.sku.rawValue.hasPrefix("MEAT-") })
        #expect(Set(DemoCatalog.skus.map(\.code)).count == DemoCatalog.skus.count)
    }
}
