// "The current knowledge": the answerer and knowledge base a message is answered from, behind
// an interface so the knowledge can be replaced while the service runs (a reload after staff
// edited faq/) without the dialogue layer knowing who builds it (service::Helpdesk does).
//
// A caller takes one Knowledge at the start of a unit of work (one message) and uses only it
// until the end: the keep-alive holds everything the pointers reach, so a reload in the
// meantime neither frees what the message uses nor mixes two knowledge bases in one answer.
#ifndef MADOGUCHI_DIALOGUE_KNOWLEDGE_SOURCE_H_
#define MADOGUCHI_DIALOGUE_KNOWLEDGE_SOURCE_H_

#include <memory>

#include "dialogue/answerer.h"
#include "kb/knowledge_base.h"

namespace madoguchi::dialogue {

// One snapshot of the knowledge. Copyable value; the pointers stay valid while any copy of
// `keep_alive` does. Both pointers are non-null in a snapshot a source returns.
struct Knowledge {
  // Owns (directly or through the object it points at) the answerer and the knowledge base.
  std::shared_ptr<const void> keep_alive;
  const Answerer* answerer = nullptr;
  const kb::KnowledgeBase* kb = nullptr;
};

// Thread safety: implementations are thread-safe; Current() is called once per message from
// many threads at once and must be cheap (a reference-count increment, not a load).
class KnowledgeSource {
 public:
  virtual ~KnowledgeSource() = default;
  virtual Knowledge Current() const = 0;
};

}  // namespace madoguchi::dialogue

#endif  // MADOGUCHI_DIALOGUE_KNOWLEDGE_SOURCE_H_
