import Kernel
/// A node of the category tree ("Food" › "Dairy"), named by a slug in URLs and filters.
public struct Category: Hashable, Sendable {
    public var id: CategoryID
    public var parent: CategoryID?
    public var slug: String
    public var name: String

    public init(id: CategoryID, parent: CategoryID?, slug: String, name: String) {
        self.id = id; self.parent = parent; self.slug = slug; self.name = name
    }
}

/// The whole tree, for paths and descendants.
public struct CategoryTree: Sendable {
    public let categories: [Category]
    private let byID: [CategoryID: Category]
    private let children: [CategoryID: [CategoryID]]

    public init(_ categories: [Category]) {
        self.categories = categories.sorted { $0.id < $1.id }
        byID = Dictionary(uniqueKeysWithValues: categories.map { ($0.id, $0) })
        var children: [CategoryID: [CategoryID]] = [:]
        for c in categories { if let p = c.parent { children[p, default: []].append(c.id) } }
        self.children = children
    }

    public subscript(id: CategoryID) -> Category? { byID[id] }

    public func category(slug: String) -> Category? { categories.first { $0.slug == slug } }

    /// The category and every category below it.
    public func subtree(of id: CategoryID) -> Set<CategoryID> {
        var result: Set<CategoryID> = [id], stack = [id]
        while let next = stack.popLast() {
            for child in children[next] ?? [] where result.insert(child).inserted { stack.append(child) }
        }
        return result
    }

    /// From the root down to the category.
    public func path(of id: CategoryID) -> [Category] {
        var path: [Category] = [], current = byID[id], seen: Set<CategoryID> = []
        while let c = current, seen.insert(c.id).inserted {
            path.append(c)
            current = c.parent.flatMap { byID[$0] }
        }
        return path.reversed()
    }
}

/// A new category: under `parent` (a slug), or at the top.
public struct CategoryDraft: Hashable, Sendable {
    public var slug: String
    public var name: String
    public var parent: String?
    public init(slug: String, name: String, parent: String? = nil) { self.slug = slug; self.name = name; self.parent = parent }
}
