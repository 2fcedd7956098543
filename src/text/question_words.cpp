#include "text/question_words.hpp"

namespace qabot::text {

namespace {

// Words that shape a question rather than name its subject. Written as people type them; they go
// through the analyzer at start-up so the sets hold analysed terms (stems, bigrams, Simplified).
// A table laid out by hand:
// clang-format off
const char* const kTemplateWords[] = {
    // Chinese question scaffolding
    "什么", "为什么", "怎么", "怎么样", "怎样", "如何", "哪些", "哪个", "有什么", "是什么", "什么是", "请问", "一下",
    "讲讲", "说说", "谈谈", "简述", "简单", "介绍", "解释", "是否", "能否", "可以", "知道", "了解", "一般", "通常",
    "主要", "具体", "以及", "还是", "为何", "多少", "时候", "我们", "你们", "这个", "那个", "它们", "需要", "应该",
    "在哪", "哪里", "哪儿", "一个", "一种", "一棵", "一条", "一组", "这种", "那种", "某个",
    // single function characters (a query's lone 的 or 是 names nothing)
    "的", "是", "了", "吗", "呢", "吧", "啊", "和", "与", "及", "或", "在", "有", "把", "被", "给", "对", "从", "就", "都",
    "也", "还", "又", "很", "会", "能", "要", "该", "这", "那", "哪", "谁", "啥", "么", "个", "些", "之", "其", "于", "以",
    "为", "而", "并", "且", "将", "让", "得", "地", "着", "过", "吗", "嘛", "呀", "为啥", "干嘛", "啥是", "什么样", "一些", "有没有", "是不是", "会不会",
    // colloquial connectives, adverbs and quantifiers: a rambling question's glue, not its subject
    "怎么办", "只有", "只是", "全都", "全部", "那样", "这样", "那么", "这么", "好几", "几个", "已经", "非常", "特别",
    "然后", "但是", "可是", "如果", "因为", "所以", "就是", "其实", "突然", "一直", "总是", "老是", "还有", "几乎",
    "的话", "到底", "究竟", "感觉", "觉得", "好像", "或者", "而且", "之后", "之前", "为了", "关于", "比如", "例如",
    "东西", "自己", "大家", "看看", "想问", "请教", "居然", "竟然", "明明", "很多", "许多", "一点", "有点", "有些",
    "每个", "所有", "任何", "出现", "发生", "进行",
    // colloquial question forms (咋/啥/搞/整 for 怎么/什么/做) and the glue around them: "RPC是啥" asks
    // about RPC, and 是啥 must not outweigh it
    "是啥", "啥意思", "干啥", "咋", "咋整", "咋办", "咋样", "咋回事", "怎么回事", "怎么做", "怎么搞", "怎么弄",
    "搞", "弄", "整", "指的是", "的是", "是指", "才能", "而不", "不过", "得了", "行吗", "可以吗", "好吗", "对吗",
    // English question scaffolding
    "what", "how", "why", "are", "was", "were", "the", "a", "an", "do", "does", "did", "of", "on", "to",
    "can", "could", "should", "would", "you", "your", "i", "we", "it", "its", "this",
    "that", "these", "those", "be", "been", "there", "which", "when", "where", "who", "me", "my", "about", "explain",
    "describe", "tell", "mean", "meaning", "please", "some", "any", "vs", "versus", "us", "one", "way", "ways",
    "thing", "things", "give", "example", "than", "then", "so", "get",
    "only", "all", "very", "really", "just", "also", "because", "but", "still", "even", "much", "many", "lot",
    "lots", "actually", "basically", "something", "anything", "everything", "someone", "wondering", "want", "know",
    // English glue that ordinary words the bank lacks would otherwise count as missing topics (an
    // absent English word weighs in full: "kitten", "contract"); adverbs, conjunctions, modals and
    // the words of a choice
    "every", "instead", "rather", "though", "although", "whether", "might", "may", "ever", "never", "always",
    "often", "usually", "typically", "exactly", "across", "earlier", "later", "better", "choice", "choose",
    "decide", "idea", "made",
};
// clang-format on

// English function words that are also code keywords: "python is vs ==", "with statement". They
// count as (weak) topics where the bank contains them and as nothing where it does not.
const char* const kKeywordLikeWords[] = {"is", "in", "for", "and", "or", "with", "if", "not", "as", "from"};

// Words that say which side of a topic is asked about: weak alone, decisive between siblings.
// A table laid out by hand:
// clang-format off
const char* const kAspectWords[] = {
    "作用", "区别", "不同", "差异", "联系", "优点", "缺点", "优缺点", "好处", "坏处", "原理", "方法", "方式", "问题",
    "理解", "解决", "处理", "原因", "意义", "目的", "影响", "特点", "用处", "用途", "比较", "对比", "定义", "概念",
    "实现", "计算", "过程", "步骤", "应用", "场景", "不好",
    // what is asked about a topic in other words: remedies (应对办法, 解决措施), the symptom (现象)
    "办法", "应对", "对策", "措施", "手段", "现象", "导致", "使用", "用法",
    "difference", "differences", "different", "between", "use", "used", "using", "purpose", "advantage",
    "advantages", "disadvantage", "disadvantages", "pros", "cons", "work", "works", "role", "compare",
    "comparison", "definition", "define", "reason", "problem", "problems", "solve", "handle", "deal", "benefit",
    "benefits", "drawback", "drawbacks", "effect", "calculate", "compute", "implement", "good", "bad", "need",
    "help", "helps",
};
// clang-format on

// Words that stand for topics named elsewhere (a heading's parent, the previous sentence), and the
// generic nouns of a comparison or a how-to under a topic heading.
// A table laid out by hand:
// clang-format off
const char* const kStandInWords[] = {
    "两者", "三者", "二者", "四者", "两个", "三个", "两种", "三种", "几种", "各自", "彼此", "它", "它们", "其", "此",
    "该", "这些", "那些", "这里", "横向", "纵向", "常见", "相关", "总结", "小结", "概述", "简介", "详解", "分析",
    "both", "each", "other", "them", "they", "these", "those", "overview", "summary", "introduction", "details",
};
// clang-format on

}  // namespace

std::span<const char* const> QuestionWords::templates() { return kTemplateWords; }
std::span<const char* const> QuestionWords::aspects() { return kAspectWords; }
std::span<const char* const> QuestionWords::keyword_like() { return kKeywordLikeWords; }
std::span<const char* const> QuestionWords::stand_ins() { return kStandInWords; }

}  // namespace qabot::text
