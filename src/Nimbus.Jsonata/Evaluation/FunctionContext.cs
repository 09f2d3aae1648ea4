namespace Nimbus.Jsonata.Evaluation;

/// <summary>What a native function sees of its call site: the evaluator, the context value and the scope.</summary>
internal readonly record struct FunctionContext(Evaluator Evaluator, object? Input, Frame Environment);
