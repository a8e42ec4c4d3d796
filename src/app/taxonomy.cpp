// repere taxonomy: SKOS vocabularies (the programme trees, the levels) into the catalog.
#include <cstdio>
#include <filesystem>
#include <ostream>

#include "commands.h"
#include "repere/catalog/database.h"
#include "repere/index/embedder.h"
#include "repere/index/library.h"
#include "repere/taxonomy/related.h"
#include "repere/taxonomy/skos.h"
#include "repere/taxonomy/store.h"
#include "repere/taxonomy/suggest.h"

namespace repere::app {
namespace {

Status print_tree(taxonomy::ConceptStore& store, const std::string& uri, int depth, int indent,
                  std::ostream& out) {
  REPERE_ASSIGN_OR_RETURN(const auto children, store.narrower(uri));
  for (const auto& c : children) {
    REPERE_ASSIGN_OR_RETURN(const int under, store.descendant_count(c.uri));
    out << std::string(static_cast<std::size_t>(indent) * 2, ' ') << c.pref_label << "  <" << c.uri
        << ">" << (under > 0 ? "  (" + std::to_string(under) + " sous-concepts)" : "") << "\n";
    if (depth > 1) REPERE_RETURN_IF_ERROR(print_tree(store, c.uri, depth - 1, indent + 1, out));
  }
  return Status::ok();
}

int suggest(catalog::Database& db, const TaxonomyCommandOptions& options, Io io) {
  const auto suggester = taxonomy::Suggester::load(db);
  if (!suggester.is_ok()) {
    io.err << "repere taxonomy suggest: " << suggester.status().message() << "\n";
    return kExitFailure;
  }
  if ((*suggester)->size() == 0) {
    io.err << "repere taxonomy suggest: no programme imported (repere taxonomy import "
              "15.rdf first)\n";
    return kExitFailure;
  }
  const auto report = taxonomy::suggest_library(db, **suggester, options.contents);
  if (!report.is_ok()) {
    io.err << "repere taxonomy suggest: " << report.status().message() << "\n";
    return kExitFailure;
  }
  io.out << report->contents << " contents read: " << report->suggestions
         << " programme concepts suggested for contents, " << report->passages
         << " passages given one (machine suggestions, for curators to confirm)\n";
  return kExitOk;
}

int evaluate(catalog::Database& db, const DataDir& dir, Io io) {
  const auto suggester = taxonomy::Suggester::load(db);
  if (!suggester.is_ok()) {
    io.err << "repere taxonomy eval: " << suggester.status().message() << "\n";
    return kExitFailure;
  }
  const auto q = taxonomy::evaluate_suggestions(db, **suggester);
  if (!q.is_ok()) {
    io.err << "repere taxonomy eval: " << q.status().message() << "\n";
    return kExitFailure;
  }
  if (q->contents == 0) {
    io.err << "repere taxonomy eval: no content has a confirmed programme concept to compare "
              "with (confirm some, or give a « programme » column in the catalogue)\n";
    return kExitFailure;
  }
  taxonomy::ConceptStore store(db);
  char line[200];
  std::snprintf(line, sizeof line,
                "contents %d  precision@1 %.3f  recall@3 %.3f  no suggestion %.3f\n", q->contents,
                q->precision_at_1, q->recall_at_3, q->no_suggestion);
  io.out << line;
  // The supervised alternative, left one out, beside it.
  std::error_code ec;
  const std::filesystem::path work = dir.root / "tmp";
  std::filesystem::create_directories(work, ec);
  const auto supervised = taxonomy::evaluate_supervised(db, **suggester, work);
  if (supervised.is_ok()) {
    std::snprintf(line, sizeof line,
                  "supervised (fastText, leave one out): precision@1 %.3f  recall@3 %.3f  "
                  "gold part seen in training %.3f\n",
                  supervised->quality.precision_at_1, supervised->quality.recall_at_3,
                  supervised->reachable);
    io.out << line;
  } else {
    io.out << "supervised (fastText): not measured: " << supervised.status().message() << "\n";
  }
  // The meaning side, with the library's own embeddings when it has them.
  const auto generation = index::current_generation(dir.index());
  if (generation.is_ok() && *generation &&
      std::filesystem::exists((*generation)->embeddings(), ec)) {
    const auto embedder = index::open_embedder((*generation)->embeddings());
    const auto meaning = embedder.is_ok() ? taxonomy::evaluate_meaning(db, **suggester, **embedder)
                                          : Result<taxonomy::IndexingQuality>(embedder.status());
    if (meaning.is_ok()) {
      std::snprintf(line, sizeof line,
                    "meaning (%s, cosine to the concepts' text): precision@1 %.3f  recall@3 "
                    "%.3f\n",
                    (*embedder)->name().c_str(), meaning->precision_at_1, meaning->recall_at_3);
      io.out << line;
    } else {
      io.out << "meaning: not measured: " << meaning.status().message() << "\n";
    }
  } else {
    io.out << "meaning: not measured: the library has no embeddings (repere "
              "train-embeddings)\n";
  }
  const auto related = taxonomy::evaluate_related(db);
  if (related.is_ok()) {
    std::snprintf(line, sizeof line,
                  "related moments %d for %d contents  same programme part %.3f  same branch "
                  "%.3f  contents without any %.3f\n",
                  related->moments, related->contents, related->same_part, related->same_branch,
                  related->without_any);
    io.out << line;
  }
  for (const auto& m : q->misses) {
    const auto expected = store.get(m.expected);
    io.out << "  miss: " << m.title << "\n    expected "
           << (expected.is_ok() && *expected ? (*expected)->pref_label : m.expected)
           << "\n    first    " << (m.suggested.empty() ? "(none)" : m.suggested) << "\n";
  }
  return kExitOk;
}

}  // namespace

int run_taxonomy(const TaxonomyCommandOptions& options, Io io) {
  auto db = open_library(DataDir{options.common.data_dir});
  if (!db.is_ok()) {
    io.err << "repere taxonomy: " << db.status().message() << "\n";
    return kExitFailure;
  }
  taxonomy::ConceptStore store(**db);
  if (options.action == "tree") {
    const auto root = store.get(options.uri);
    if (!root.is_ok() || !*root) {
      io.err << "repere taxonomy tree: no concept " << options.uri
             << " (import its vocabulary first: repere taxonomy import FILE.rdf)\n";
      return kExitFailure;
    }
    io.out << (*root)->pref_label << "  <" << (*root)->uri << ">\n";
    const Status s = print_tree(store, options.uri, options.depth, 1, io.out);
    if (!s.is_ok()) {
      io.err << "repere taxonomy tree: " << s.message() << "\n";
      return kExitFailure;
    }
    return kExitOk;
  }
  if (options.action == "suggest") return suggest(**db, options, io);
  if (options.action == "eval") return evaluate(**db, DataDir{options.common.data_dir}, io);
  if (options.action == "map") {
    const auto report = store.map_free_text();
    if (!report.is_ok()) {
      io.err << "repere taxonomy map: " << report.status().message() << "\n";
      return kExitFailure;
    }
    io.out << report->contents << " contents with a subject or a level: " << report->disciplines
           << " disciplines, " << report->levels << " levels and " << report->programme
           << " programme parts given as concepts\n";
    if (!report->unmatched.empty()) {
      io.out << "Kept as text (no concept of that name):";
      for (const std::string& t : report->unmatched) io.out << " « " << t << " »";
      io.out << "\n";
    }
    return kExitOk;
  }
  int failures = 0;
  for (const std::string& file : options.files) {
    const auto v = taxonomy::read_skos(file);
    if (!v.is_ok()) {
      io.err << "repere taxonomy import: " << v.status().message() << "\n";
      ++failures;
      continue;
    }
    const auto report = store.import(*v, std::filesystem::path(file).filename().string());
    if (!report.is_ok()) {
      io.err << "repere taxonomy import: " << file << ": " << report.status().message() << "\n";
      ++failures;
      continue;
    }
    io.out << file << ": " << v->concepts.size() << " concepts (" << report->added << " new, "
           << report->updated << " updated), " << report->links << " broader links\n";
  }
  return failures == 0 ? kExitOk : kExitFailure;
}

}  // namespace repere::app
