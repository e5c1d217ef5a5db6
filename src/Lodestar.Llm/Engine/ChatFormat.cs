using System.Runtime.InteropServices;
using System.Text;

namespace Lodestar.Llm.Engine;

/// <summary>How chat messages become one prompt for the embedded engine.</summary>
public enum ChatFormat
{
    /// <summary>From the GGUF's template: ChatML or Llama 3 when it is one of those, otherwise llama.cpp's own
    /// rendering of the stored template; ChatML when the file has none.</summary>
    Auto,

    /// <summary><c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c> (Qwen, Qwen3). With thinking off, and only
    /// when the GGUF's own template knows think blocks (Qwen3's does), the assistant turn opens with an empty think
    /// block, as that template does for <c>enable_thinking=false</c>; a GGUF without one gets plain ChatML, the same
    /// prompt as llama-server's <c>chatml</c>.</summary>
    ChatMl,

    /// <summary><c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\ncontent&lt;|eot_id|&gt;</c> after
    /// <c>&lt;|begin_of_text|&gt;</c>.</summary>
    Llama3,

    /// <summary>llama.cpp's <c>llama_chat_apply_template</c> on the template stored in the GGUF (it recognizes the
    /// common families by their markers; it does not run Jinja).</summary>
    Gguf,
}

/// <summary>Renders chat messages into prompt text.</summary>
public static class ChatTemplates
{
    /// <summary>The format <see cref="ChatFormat.Auto"/> resolves to for a model.</summary>
    public static ChatFormat Resolve(ChatFormat format, LlamaModel model) => format != ChatFormat.Auto ? format
        : model.ChatTemplate is not { } t ? ChatFormat.ChatMl
        : t.Contains("<|im_start|>", StringComparison.Ordinal) ? ChatFormat.ChatMl
        : t.Contains("<|start_header_id|>", StringComparison.Ordinal) ? ChatFormat.Llama3
        : ChatFormat.Gguf;

    /// <summary>The prompt for <paramref name="messages"/>, ending with the opening of the assistant's turn.</summary>
    /// <param name="format">The format (resolve <see cref="ChatFormat.Auto"/> first).</param>
    /// <param name="model">The model, for <see cref="ChatFormat.Gguf"/>.</param>
    /// <param name="messages">(role, content) pairs.</param>
    /// <param name="enableThinking">False opens the assistant turn with an empty think block (ChatML, for a model whose
    /// stored template has think blocks).</param>
    public static string Render(ChatFormat format, LlamaModel model, IReadOnlyList<(string Role, string Content)> messages, bool enableThinking = true)
    {
        var text = new StringBuilder();
        switch (format)
        {
            case ChatFormat.ChatMl:
            case ChatFormat.Auto:
                foreach ((string role, string content) in messages)
                {
                    text.Append("<|im_start|>").Append(role).Append('\n').Append(content).Append("<|im_end|>\n");
                }

                text.Append("<|im_start|>assistant\n");
                if (!enableThinking && model.ChatTemplate?.Contains("<think>", StringComparison.Ordinal) == true)
                {
                    text.Append("<think>\n\n</think>\n\n");
                }

                return text.ToString();
            case ChatFormat.Llama3:
                text.Append("<|begin_of_text|>");
                foreach ((string role, string content) in messages)
                {
                    text.Append("<|start_header_id|>").Append(role).Append("<|end_header_id|>\n\n").Append(content.Trim()).Append("<|eot_id|>");
                }

                return text.Append("<|start_header_id|>assistant<|end_header_id|>\n\n").ToString();
            default:
                return ApplyNative(model, messages);
        }
    }

    private static unsafe string ApplyNative(LlamaModel model, IReadOnlyList<(string Role, string Content)> messages)
    {
        if (model.ChatTemplate is null)
        {
            throw new LlamaException($"{model.Path}: the GGUF stores no chat template; use --chat-format chatml or llama3");
        }

        var handles = new List<nint>();
        try
        {
            nint Utf8(string s)
            {
                nint p = Marshal.StringToCoTaskMemUTF8(s);
                handles.Add(p);
                return p;
            }

            var chat = new Native.ChatMessage[messages.Count];
            for (int i = 0; i < messages.Count; i++)
            {
                chat[i] = new Native.ChatMessage { Role = (byte*)Utf8(messages[i].Role), Content = (byte*)Utf8(messages[i].Content) };
            }

            byte* template = (byte*)Utf8(model.ChatTemplate);
            int size = Math.Max(256, messages.Sum(m => Encoding.UTF8.GetByteCount(m.Content) + 64) * 2);
            while (true)
            {
                var buffer = new byte[size];
                fixed (Native.ChatMessage* c = chat)
                fixed (byte* b = buffer)
                {
                    int n = Native.llama_chat_apply_template(template, c, (nuint)chat.Length, true, b, buffer.Length);
                    if (n < 0)
                    {
                        throw new LlamaException($"{model.Path}: llama.cpp does not recognize the GGUF's chat template; use --chat-format chatml or llama3");
                    }

                    if (n <= buffer.Length)
                    {
                        return Encoding.UTF8.GetString(buffer, 0, n);
                    }

                    size = n;
                }
            }
        }
        finally
        {
            handles.ForEach(Marshal.FreeCoTaskMem);
        }
    }
}
