// The harvester against partners of this test (cpp-httplib on loopback) that are slow in ways
// a per-read timeout does not catch: a partner that drips its answer a few bytes at a time is
// cut off at the answer's deadline, and what earlier answers brought stays stored.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "../catalog/test_catalog.h"
#include "repere/oai/harvest.h"
#include "repere/oai/schema.h"
#include "repere/taxonomy/schema.h"

namespace repere::oai {
namespace {

constexpr std::string_view kHead =
    R"(<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">)"
    "<responseDate>2026-12-01T00:00:00Z</responseDate><request>x</request>";

std::string record(const std::string& id, const std::string& title) {
  return "<record><header><identifier>" + id +
         "</identifier><datestamp>2026-12-01T00:00:00Z</datestamp></header><metadata>"
         R"(<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" )"
         R"(xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>)" +
         title +
         "</dc:title><dc:description>Un texte sur les volcans.</dc:description>"
         "<dc:identifier>https://partner.example/r</dc:identifier></oai_dc:dc></metadata></record>";
}

class SlowPartner : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Get("/oai", [this](const httplib::Request& req, httplib::Response& res) {
      const std::string verb = req.get_param_value("verb");
      if (verb == "Identify") {
        res.set_content(std::string(kHead) +
                            "<Identify><repositoryName>Lent</repositoryName></Identify></OAI-PMH>",
                        "text/xml");
      } else if (!req.has_param("resumptionToken")) {  // a first page, quickly
        res.set_content(std::string(kHead) + "<ListRecords>" + record("lent:1", "Les glaciers") +
                            "<resumptionToken>page-2</resumptionToken></ListRecords></OAI-PMH>",
                        "text/xml");
      } else {  // then a page that drips: 16 bytes every 100 ms, each read well in time
        res.set_chunked_content_provider("text/xml", [this](std::size_t, httplib::DataSink& sink) {
          const std::string start = std::string(kHead) + "<ListRecords>";
          if (!sink.write(start.data(), start.size())) return false;
          for (int i = 0; i < 600 && !stop_; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            if (!sink.write("<!-- un peu --> ", 16)) {
              hung_up_ = true;
              return false;
            }
          }
          sink.done();
          return true;
        });
      }
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    catalog::OpenOptions o;
    o.modules = {&taxonomy::schema(), &schema()};
    db_ = catalog::open_or_die(dir_.path() / "catalog.sqlite", o);
  }
  void TearDown() override {
    stop_ = true;
    server_.stop();
    thread_.join();
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<bool> stop_{false}, hung_up_{false};
  testing::TempDir dir_;
  std::unique_ptr<catalog::Database> db_;
};

TEST_F(SlowPartner, AnAnswerThatDripsIsCutOffAtItsDeadlineAndTheFirstPageKept) {
  HarvestOptions o;
  o.base_url = "http://127.0.0.1:" + std::to_string(port_) + "/oai";
  o.prefix = "oai_dc";
  o.attempts = 1;
  o.timeout_seconds = 5;  // never reached: a few bytes come every 100 ms
  o.answer_deadline = std::chrono::seconds(1);
  const auto report = harvest(*db_, o);
  ASSERT_FALSE(report.is_ok());
  EXPECT_NE(report.status().to_string().find("took over 1 s"), std::string::npos)
      << report.status().to_string();
  EXPECT_EQ(catalog::count_rows(*db_, "content"), 1);
  for (int i = 0; i < 50 && !hung_up_; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(hung_up_) << "the harvester should have closed the connection";
}

}  // namespace
}  // namespace repere::oai
