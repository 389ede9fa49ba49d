import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where the tests keep their files: one folder per test process, removed when the process
/// exits. A run that was killed leaves its folder behind; the next run removes the folders of
/// processes that are gone. Without it every database, sandbox record and CLI output the tests
/// make would stay in the temporary directory, thousands a run, until the disk fills.
public enum TestFiles {
    static let prefix = "o2o-tests-"

    /// This run's folder.
    public static let root: URL = {
        let base = FileManager.default.temporaryDirectory
        for name in (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? [] where name.hasPrefix(prefix) {
            // kill(pid, 0) fails with ESRCH once the process is gone.
            if let pid = Int32(name.dropFirst(prefix.count)), kill(pid, 0) != 0, errno == ESRCH {
                try? FileManager.default.removeItem(at: base.appendingPathComponent(name))
            }
        }
        let root = base.appendingPathComponent("\(prefix)\(getpid())")
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: TestFiles.root) }
        return root
    }()

    /// A fresh path under this run's folder, named `prefix-UUID` (nothing is created).
    public static func fresh(_ prefix: String) -> URL {
        root.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    }
}
