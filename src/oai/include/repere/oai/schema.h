// The oai module's tables in the catalog: the deleted records (an item that left what is
// published keeps answering harvesters as deleted, « deletedRecord persistent ») and the key
// that signs resumption tokens.
#pragma once

#include "repere/catalog/migrations.h"

namespace repere::oai {

const catalog::ModuleSchema& schema();

}  // namespace repere::oai
