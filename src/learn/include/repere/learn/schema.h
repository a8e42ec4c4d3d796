// The learn module's own tables (activities, interactions, classes, pupils, answers, xAPI
// statements, owners), brought up to date by naming learn::schema() in
// catalog::OpenOptions::modules.
#pragma once

#include "repere/catalog/migrations.h"

namespace repere::learn {

const catalog::ModuleSchema& schema();

}  // namespace repere::learn
