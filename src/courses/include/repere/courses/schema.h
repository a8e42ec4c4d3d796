// The courses module's tables (courses, their concepts, chapters and blocks), brought up to
// date by naming courses::schema() in catalog::OpenOptions::modules.
#pragma once

#include "repere/catalog/migrations.h"

namespace repere::courses {

const catalog::ModuleSchema& schema();

}  // namespace repere::courses
