import Foundation
import Testing
@testable import Stores

@Suite("OSM opening_hours")
struct OpeningHoursTests {
    /// Minute of the week for a weekday (0 = Monday) and "HH:MM".
    func at(_ day: Int, _ time: String) -> Int {
        let hm = time.split(separator: ":").map { Int($0)! }
        return day * 1440 + hm[0] * 60 + hm[1]
    }

    @Test("weekday ranges with one span")
    func simple() throws {
        let h = try OpeningHours(parsing: "Mo-Fr 08:00-20:00; Sa 09:00-14:00")
        #expect(h.isOpen(minuteOfWeek: at(0, "08:00")))
        #expect(!h.isOpen(minuteOfWeek: at(0, "07:59")))
        #expect(h.isOpen(minuteOfWeek: at(4, "19:59")))
        #expect(!h.isOpen(minuteOfWeek: at(4, "20:00")))
        #expect(h.isOpen(minuteOfWeek: at(5, "13:00")))
        #expect(!h.isOpen(minuteOfWeek: at(5, "14:00")))
        #expect(!h.isOpen(minuteOfWeek: at(6, "12:00")))
    }

    @Test("24/7 is always open")
    func allDay() throws {
        let h = try OpeningHours(parsing: "24/7")
        for m in stride(from: 0, to: OpeningHours.minutesPerWeek, by: 97) { #expect(h.isOpen(minuteOfWeek: m)) }
    }

    @Test("split spans, single-digit hours and spaced dashes")
    func forms() throws {
        let h = try OpeningHours(parsing: "Mo-Su 10:00-12:30, 14:00-18:00")
        #expect(h.isOpen(minuteOfWeek: at(2, "12:00")))
        #expect(!h.isOpen(minuteOfWeek: at(2, "13:00")))
        #expect(h.isOpen(minuteOfWeek: at(6, "17:59")))
        let g = try OpeningHours(parsing: "Mo-Sa 8:30-21:00; Su 9:00-20:30")
        #expect(g.isOpen(minuteOfWeek: at(0, "08:30")))
        #expect(g.isOpen(minuteOfWeek: at(6, "20:00")))
        let bare = try OpeningHours(parsing: "09:00 - 19:00")
        #expect(bare.isOpen(minuteOfWeek: at(6, "09:00")))
        #expect(!bare.isOpen(minuteOfWeek: at(6, "19:00")))
    }

    @Test("spans past midnight run into the next day, Sunday into Monday")
    func pastMidnight() throws {
        let h = try OpeningHours(parsing: "Fr 12:00-00:00; Sa 13:00-02:00; Su 22:00-03:00")
        #expect(h.isOpen(minuteOfWeek: at(4, "23:59")))
        #expect(!h.isOpen(minuteOfWeek: at(5, "00:00")))
        #expect(h.isOpen(minuteOfWeek: at(6, "01:59")))
        #expect(!h.isOpen(minuteOfWeek: at(6, "02:00")))
        #expect(h.isOpen(minuteOfWeek: at(0, "02:59")), "Sunday night spills into Monday")
        #expect(!h.isOpen(minuteOfWeek: at(0, "03:00")))
    }

    @Test("a later rule replaces the days it names; off closes them")
    func overrides() throws {
        let h = try OpeningHours(parsing: "Mo-Fr 09:30-19:30; Tu off; Sa 09:00-19:00")
        #expect(h.isOpen(minuteOfWeek: at(0, "10:00")))
        #expect(!h.isOpen(minuteOfWeek: at(1, "10:00")))
        #expect(h.isOpen(minuteOfWeek: at(2, "10:00")))
        let p = try OpeningHours(parsing: "Mo-Sa 09:00-20:00; Su,PH off")
        #expect(!p.isOpen(minuteOfWeek: at(6, "10:00")))
        #expect(p.isOpen(minuteOfWeek: at(5, "10:00")))
    }

    @Test("comma-joined additional rules and wrapping day ranges")
    func additional() throws {
        let h = try OpeningHours(parsing: "Mo-Fr 08:00-12:00, Sa 10:00-12:00")
        #expect(h.isOpen(minuteOfWeek: at(5, "11:00")))
        #expect(!h.isOpen(minuteOfWeek: at(6, "11:00")))
        let w = try OpeningHours(parsing: "Fr-Mo 10:00-11:00")
        #expect(w.isOpen(minuteOfWeek: at(6, "10:30")))
        #expect(w.isOpen(minuteOfWeek: at(0, "10:30")))
        #expect(!w.isOpen(minuteOfWeek: at(2, "10:30")))
    }

    @Test("unsupported forms fail rather than guess", arguments: [
        "", "sunrise-sunset", "Jan-Mar 10:00-12:00", "Mo-Fr 18:00+", "Mo 10:00-12:00 || Tu 10:00-11:00",
        "Mo 25:00-26:00", "Xx 10:00-12:00", "Mo-Fr 10-12",
    ])
    func unsupported(text: String) {
        #expect(throws: OpeningHours.ParseError.self) { try OpeningHours(parsing: text) }
    }

    @Test("local week clock follows daylight saving in Lisbon")
    func weekClock() {
        let lisbon = TimeZone(identifier: "Europe/Lisbon")!
        // 2026-07-06 is a Monday; 09:00 UTC is 10:00 in Lisbon summer time (UTC+1).
        let summer = Date(timeIntervalSince1970: 1_783_328_400)
        #expect(WeekClock.minuteOfWeek(summer, in: lisbon) == at(0, "10:00"))
        // 2026-01-05 is a Monday; 09:00 UTC is 09:00 in Lisbon winter time.
        let winter = Date(timeIntervalSince1970: 1_767_603_600)
        #expect(WeekClock.minuteOfWeek(winter, in: lisbon) == at(0, "09:00"))
        let shanghai = TimeZone(identifier: "Asia/Shanghai")!
        // Monday 20:00 UTC is Tuesday 04:00 in Shanghai.
        #expect(WeekClock.minuteOfWeek(Date(timeIntervalSince1970: 1_767_643_200), in: shanghai) == at(1, "04:00"))
    }
}
